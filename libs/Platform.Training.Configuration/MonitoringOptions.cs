namespace Platform.Training.Configuration;

/// <param name="LogEverySteps">Optimizer steps between step-level points (training loss averaged since the last point,
/// learning rate, gradient norm, loss scale under mixed precision); null = about 20 points per epoch.</param>
/// <param name="BlockFigures">Each epoch, per top-level block (stem, each stage, head): mean gradient norm, weight norm and
/// update-to-weight ratio (sampled at the logged steps).</param>
/// <param name="MisclassifiedExamples">The validation images the final model gets most confidently wrong that the run keeps
/// (thumbnails with true and predicted labels, the run page's gallery), 0–<see cref="MaxMisclassifiedExamples"/>; 0 keeps none.</param>
public sealed record MonitoringOptions(int? LogEverySteps = null, bool BlockFigures = true, int MisclassifiedExamples = MonitoringOptions.DefaultMisclassifiedExamples)
{
    public const int DefaultMisclassifiedExamples = 24;

    /// <summary>The most a run keeps: a gallery, not a second copy of the validation split.</summary>
    public const int MaxMisclassifiedExamples = 100;

    /// <summary>Step-level points per epoch when <see cref="LogEverySteps"/> is null.</summary>
    public const int DefaultPointsPerEpoch = 20;

    /// <summary>The interval used for an epoch of <paramref name="stepsPerEpoch"/> optimizer steps.</summary>
    public int IntervalFor(int stepsPerEpoch) => LogEverySteps ?? Math.Max(1, stepsPerEpoch / DefaultPointsPerEpoch);
}
