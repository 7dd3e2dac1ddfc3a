namespace Platform.Imaging.Formats.Recipes;

/// <summary>
/// RandAugment (Cubuk et al. 2020) as timm implements it: <c>rand-m9-mstd0.5</c> is <c>N = 2, M = 9, MagnitudeStd = 0.5</c>.
/// Each sample applies <see cref="N"/> operations chosen uniformly with replacement from timm's 15; each is applied with
/// <see cref="Probability"/>, at a magnitude drawn from N(M, MagnitudeStd²) clipped to [0, 10] (M alone when the
/// standard deviation is 0). <see cref="Increasing"/> selects timm's <c>inc1</c> variants, whose distortion grows with the
/// magnitude for every operation (posterize, solarize and the enhancements included).
/// </summary>
/// <param name="N">Operations per sample (timm's <c>n</c>).</param>
/// <param name="M">Magnitude on timm's 0–10 scale (timm's <c>m</c>).</param>
/// <param name="MagnitudeStd">Standard deviation of the per-operation magnitude (timm's <c>mstd</c>); 0 = always M.</param>
/// <param name="Probability">Chance each chosen operation is applied (timm's default 0.5).</param>
/// <param name="Increasing">timm's <c>inc1</c> operation set.</param>
public sealed record RandAugmentOptions(int N = 2, double M = 9, double MagnitudeStd = 0.5, double Probability = 0.5, bool Increasing = false)
{
    /// <summary>The top of timm's magnitude scale (its <c>_LEVEL_DENOM</c>).</summary>
    public const double MaxMagnitude = 10;
}
