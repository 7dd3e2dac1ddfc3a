namespace Platform.Training.Checkpoints;

/// <summary>An epoch's per-block sums so far (the engine's per-block figures are their means): gradient norms over the
/// finite steps, update-to-weight ratios over the measured steps, one entry per block.</summary>
public sealed record BlockSums(double[] GradientSums, int[] GradientSteps, double[] RatioSums, int[] RatioSteps);
