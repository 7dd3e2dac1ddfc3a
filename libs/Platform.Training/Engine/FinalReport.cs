using Platform.Training.Calibration;

namespace Platform.Training.Engine;

/// <summary>The validation evaluation of the final model.</summary>
/// <param name="ConfusionMatrix">Rows are true classes, columns predicted classes, in <paramref name="Classes"/> order.</param>
/// <param name="Calibration">The temperature fitted on the validation split's logits (temperature scaling) and the calibration error before and after; null without validation images.</param>
/// <param name="BestEpoch">1-based epoch with the best checkpoint metric (0 when no epoch completed).</param>
public sealed record FinalReport(
    IReadOnlyList<string> Classes,
    IReadOnlyList<ClassMetrics> PerClass,
    long[][] ConfusionMatrix,
    double Accuracy,
    double MacroF1,
    double ValidationLoss,
    int BestEpoch,
    double? BestMetric,
    int EpochsCompleted,
    long Steps,
    StopReason StopReason,
    double TrainingSeconds,
    IReadOnlyList<EpochMetrics> History,
    CalibrationReport? Calibration = null);
