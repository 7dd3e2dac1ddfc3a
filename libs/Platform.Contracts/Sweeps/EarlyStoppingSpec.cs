namespace Platform.Contracts.Sweeps;

/// <summary>
/// Early stopping of a sweep's trials. <c>asha</c>: Ray Tune's ASHAScheduler (rungs at gracePeriod × reductionFactor^k epochs
/// below maxEpochs; a trial below the top 1/reductionFactor of the trials recorded at its rung is pruned). <c>median</c>: the median
/// stopping rule (Golovin et al. 2017), from gracePeriod on, once minSamples other trials reached the same epoch.
/// </summary>
/// <param name="Kind"><c>asha</c> or <c>median</c>.</param>
/// <param name="GracePeriod">Epochs every trial trains before it can be pruned (default 1).</param>
/// <param name="ReductionFactor">ASHA's η (default 3, Ray Tune's).</param>
/// <param name="MaxEpochs">The epochs of a trial that is never pruned; default the base configuration's epochs.</param>
/// <param name="MinSamples">The median rule's minimum number of other trials to compare with (default 3, Ray Tune's).</param>
public sealed record EarlyStoppingSpec(string? Kind, int? GracePeriod, int? ReductionFactor, int? MaxEpochs, int? MinSamples);
