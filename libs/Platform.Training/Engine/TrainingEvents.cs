using Platform.Training.Configuration;

namespace Platform.Training.Engine;

/// <summary>Why a run ended.</summary>
public enum StopReason
{
    /// <summary>Every configured epoch ran.</summary>
    Completed,

    /// <summary>The monitored validation metric stopped improving.</summary>
    EarlyStopped,

    /// <summary><see cref="TrainingConfig.TimeBudgetSeconds"/> was spent.</summary>
    TimeBudgetReached,
}

/// <summary>Metrics of one epoch. Top-5 values are null when there are 5 classes or fewer.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Step">Optimizer steps taken so far (skipped fp16 steps included).</param>
/// <param name="LearningRate">Head learning rate at the epoch's last step.</param>
/// <param name="GradientNorm">Mean global L2 gradient norm before clipping over the epoch's finite steps.</param>
/// <param name="MaxGradientNorm">Largest finite global gradient norm of the epoch.</param>
/// <param name="ImagesPerSecond">Training images per second of wall time in the training phase.</param>
/// <param name="Partial">True when the time budget ended the epoch early.</param>
/// <param name="LossScale">fp16 loss scale at the end of the epoch; null without loss scaling.</param>
/// <param name="SkippedSteps">Steps skipped in this epoch because gradients overflowed.</param>
public sealed record EpochMetrics(
    int Epoch,
    long Step,
    double TrainLoss,
    double TrainAccuracy,
    double? TrainTop5Accuracy,
    double ValidationLoss,
    double ValidationAccuracy,
    double? ValidationTop5Accuracy,
    double LearningRate,
    double GradientNorm,
    double MaxGradientNorm,
    double ImagesPerSecond,
    double TrainSeconds,
    double ValidationSeconds,
    bool BackboneFrozen,
    bool Partial,
    double? LossScale,
    int SkippedSteps);

/// <summary>Precision, recall and F1 of one class on the validation set.</summary>
public sealed record ClassMetrics(string Class, int Support, double Precision, double Recall, double F1);

/// <summary>The validation evaluation of the final model.</summary>
/// <param name="ConfusionMatrix">Rows are true classes, columns predicted classes, in <paramref name="Classes"/> order.</param>
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
    IReadOnlyList<EpochMetrics> History);

/// <summary>A progress event of a run, for telemetry, logs and live views.</summary>
public abstract record TrainingEvent
{
    public DateTimeOffset Timestamp { get; init; } = DateTimeOffset.UtcNow;
}

/// <param name="Device">Where the model trains, e.g. "cpu" or "cuda".</param>
/// <param name="StartEpoch">1-based epoch the run starts at (above 1 when resuming from a checkpoint).</param>
public sealed record RunStarted(
    string Device,
    int Threads,
    TrainingConfig Config,
    long TotalParameters,
    long TrainableParameters,
    int TrainSamples,
    int ValidationSamples,
    IReadOnlyList<string> Classes,
    int StartEpoch) : TrainingEvent;

public sealed record EpochCompleted(EpochMetrics Metrics) : TrainingEvent;

/// <param name="Name">Name of the checkpoint in its store.</param>
public sealed record CheckpointSaved(string Name, int Epoch, bool IsBest) : TrainingEvent;

public sealed record RunCompleted(FinalReport Report) : TrainingEvent;

/// <param name="Epoch">1-based epoch that was running.</param>
public sealed record RunCancelled(int Epoch, long Step) : TrainingEvent;

public sealed record RunFailed(string Error, string ExceptionType) : TrainingEvent;
