using Platform.Training.Calibration;

namespace Platform.Training.Engine;

/// <summary>The validation evaluation of the final model: the weights <c>export.weights</c> chose.</summary>
/// <param name="ConfusionMatrix">Rows are true classes, columns predicted classes, in <paramref name="Classes"/> order.</param>
/// <param name="Calibration">The temperature fitted on the validation split's logits (temperature scaling) and the calibration error before and after; null without validation images.</param>
/// <param name="BestEpoch">1-based epoch with the best checkpoint metric (0 when no epoch completed).</param>
/// <param name="ExportedWeights">What the returned model holds: best, last or ema (best falls back to last when the best
/// weights are no longer available, e.g. after a resume without a checkpoint store).</param>
/// <param name="ExportedSource">Whether the returned weights are the raw or the EMA weights.</param>
/// <param name="ExportedEpoch">1-based epoch after which the returned weights were taken.</param>
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
    CalibrationReport? Calibration = null,
    Platform.Training.Configuration.ExportWeights ExportedWeights = Platform.Training.Configuration.ExportWeights.Last,
    Platform.Training.Checkpoints.WeightsSource ExportedSource = Platform.Training.Checkpoints.WeightsSource.Raw,
    int ExportedEpoch = 0)
{
    /// <summary>The validation images the final model gets most confidently wrong, most confident first (single-view predictions;
    /// at most <c>monitoring.misclassifiedExamples</c>; empty when that is 0).</summary>
    public IReadOnlyList<MisclassifiedPrediction> Misclassified { get; init; } = [];

    /// <summary>Every wrong single-view prediction of the final evaluation, kept or not (0 when <c>monitoring.misclassifiedExamples</c> is 0).</summary>
    public int MisclassifiedTotal { get; init; }
}
