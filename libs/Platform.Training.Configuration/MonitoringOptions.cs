namespace Platform.Training.Configuration;

/// <param name="LogEverySteps">Optimizer steps between step-level points (training loss averaged since the last point,
/// learning rate, gradient norm, loss scale under mixed precision); null = about 20 points per epoch.</param>
/// <param name="BlockFigures">Each epoch, per top-level block (stem, each stage, head): mean gradient norm, weight norm and
/// update-to-weight ratio (sampled at the logged steps).</param>
public sealed record MonitoringOptions(int? LogEverySteps = null, bool BlockFigures = true)
{
    /// <summary>Step-level points per epoch when <see cref="LogEverySteps"/> is null.</summary>
    public const int DefaultPointsPerEpoch = 20;

    /// <summary>The interval used for an epoch of <paramref name="stepsPerEpoch"/> optimizer steps.</summary>
    public int IntervalFor(int stepsPerEpoch) => LogEverySteps ?? Math.Max(1, stepsPerEpoch / DefaultPointsPerEpoch);
}
