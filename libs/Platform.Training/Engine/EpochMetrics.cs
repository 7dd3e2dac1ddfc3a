namespace Platform.Training.Engine;

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
/// <param name="EmaValidationLoss">Validation loss of the EMA weights; null without <c>ema</c>.</param>
/// <param name="EmaValidationAccuracy">Validation accuracy of the EMA weights; null without <c>ema</c>.</param>
/// <param name="Blocks">Per top-level block figures, input to output; null when <c>monitoring.blockFigures</c> is off.</param>
/// <param name="NonFiniteSteps">Steps of this epoch whose gradient norm was inf or NaN (skipped ones included).</param>
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
    int SkippedSteps,
    double? EmaValidationLoss = null,
    double? EmaValidationAccuracy = null,
    IReadOnlyList<BlockFigures>? Blocks = null,
    int NonFiniteSteps = 0)
{
    /// <summary>Training images per second of the epoch's wall time on each replica's device, in device order.</summary>
    public IReadOnlyList<double>? DeviceImagesPerSecond { get; init; }

    /// <summary>libtorch's intra-op threads per replica at the epoch's end (the engine's choice unless <c>threads</c> fixes it).</summary>
    public int? Threads { get; init; }
}
