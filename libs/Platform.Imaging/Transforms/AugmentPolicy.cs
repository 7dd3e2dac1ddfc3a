using Platform.Imaging.Formats.Recipes;

namespace Platform.Imaging.Transforms;

/// <summary>
/// Draws the operations of RandAugment (timm's <c>rand_augment_transform</c>) and TrivialAugmentWide (torchvision's)
/// for one sample from its <see cref="SampleRandom"/>, in the order those implementations draw them.
/// </summary>
public static class AugmentPolicy
{
    /// <summary>timm's <c>_RAND_TRANSFORMS</c> (and, with the increasing arguments, <c>_RAND_INCREASING_TRANSFORMS</c>).</summary>
    public static IReadOnlyList<AugmentOp> RandAugmentOps { get; } =
    [
        AugmentOp.AutoContrast, AugmentOp.Equalize, AugmentOp.Invert, AugmentOp.Rotate, AugmentOp.Posterize, AugmentOp.Solarize,
        AugmentOp.SolarizeAdd, AugmentOp.Color, AugmentOp.Contrast, AugmentOp.Brightness, AugmentOp.Sharpness,
        AugmentOp.ShearX, AugmentOp.ShearY, AugmentOp.TranslateX, AugmentOp.TranslateY,
    ];

    /// <summary>torchvision's TrivialAugmentWide operations, in its order.</summary>
    public static IReadOnlyList<AugmentOp> TrivialAugmentOps { get; } =
    [
        AugmentOp.Identity, AugmentOp.ShearX, AugmentOp.ShearY, AugmentOp.TranslateX, AugmentOp.TranslateY, AugmentOp.Rotate,
        AugmentOp.Brightness, AugmentOp.Color, AugmentOp.Contrast, AugmentOp.Sharpness, AugmentOp.Posterize, AugmentOp.Solarize,
        AugmentOp.AutoContrast, AugmentOp.Equalize,
    ];

    /// <summary>TrivialAugmentWide's magnitude bins (torchvision's <c>num_magnitude_bins</c>).</summary>
    public const int TrivialAugmentBins = 31;

    /// <summary>
    /// timm's RandAugment: N operations chosen uniformly with replacement, then for each in turn: skipped unless a uniform
    /// draw is at most <see cref="RandAugmentOptions.Probability"/>, magnitude ~ N(M, MagnitudeStd²) clipped to [0, 10],
    /// and the operation's argument from the magnitude (<see cref="RandAugmentStep"/>). Writes the applied steps into
    /// <paramref name="steps"/> (at least N long) and returns how many there are.
    /// </summary>
    public static int DrawRandAugment(RandAugmentOptions options, int imageSize, ref SampleRandom random, Span<AugmentStep> steps)
    {
        ArgumentNullException.ThrowIfNull(options);
        Span<int> chosen = stackalloc int[options.N];
        for (var i = 0; i < chosen.Length; i++)
        {
            chosen[i] = random.NextInt(RandAugmentOps.Count);
        }

        var count = 0;
        foreach (var index in chosen)
        {
            if (options.Probability < 1 && random.NextDouble() > options.Probability)
            {
                continue;
            }

            var magnitude = options.MagnitudeStd > 0 ? options.M + options.MagnitudeStd * random.NextGaussian() : options.M;
            magnitude = Math.Clamp(magnitude, 0, RandAugmentOptions.MaxMagnitude);
            steps[count++] = RandAugmentStep(RandAugmentOps[index], magnitude, options.Increasing, imageSize, ref random);
        }

        return count;
    }

    /// <summary>
    /// timm's level-to-argument functions at magnitude m (level = m / 10), signs drawn with probability ½:
    /// rotate ±30·level degrees; shear ±0.3·level; translate ±0.45·level of the image side; posterize int(4·level) bits
    /// (increasing: 4 − that); solarize threshold min(256, int(256·level)) (increasing: 256 − that); solarize-add
    /// min(128, int(110·level)); colour, contrast, brightness and sharpness factor 1.8·level + 0.1 (increasing:
    /// max(0.1, 1 ± 0.9·level)); autocontrast, equalize and invert take none.
    /// </summary>
    public static AugmentStep RandAugmentStep(AugmentOp op, double magnitude, bool increasing, int imageSize, ref SampleRandom random)
    {
        var level = magnitude / RandAugmentOptions.MaxMagnitude;
        return op switch
        {
            AugmentOp.Rotate => new(op, Signed(30 * level, ref random)),
            AugmentOp.ShearX or AugmentOp.ShearY => new(op, Signed(0.3 * level, ref random)),
            AugmentOp.TranslateX or AugmentOp.TranslateY => new(op, Signed(0.45 * level * imageSize, ref random)),
            AugmentOp.Posterize => new(op, increasing ? 4 - (int)(level * 4) : (int)(level * 4)),
            AugmentOp.Solarize => new(op, increasing ? 256 - Math.Min(256, (int)(level * 256)) : Math.Min(256, (int)(level * 256))),
            AugmentOp.SolarizeAdd => new(op, Math.Min(128, (int)(level * 110))),
            AugmentOp.Color or AugmentOp.Contrast or AugmentOp.Brightness or AugmentOp.Sharpness =>
                new(op, increasing ? Math.Max(0.1, 1 + Signed(0.9 * level, ref random)) : level * 1.8 + 0.1),
            _ => new(op),
        };
    }

    /// <summary>
    /// torchvision's TrivialAugmentWide: one operation uniformly, one of 31 magnitude bins uniformly (for operations that
    /// have magnitudes), a sign with probability ½ for the signed ones. Bin b of 30: shear ±0.99·b/30, translate
    /// ±int(32·b/30) pixels, rotate ±135·b/30 degrees, enhancement factors 1 ± 0.99·b/30, posterize 8 − round(b/5) bits,
    /// solarize threshold 255·(1 − b/30).
    /// </summary>
    public static AugmentStep DrawTrivialAugmentWide(ref SampleRandom random)
    {
        var op = TrivialAugmentOps[random.NextInt(TrivialAugmentOps.Count)];
        if (op is AugmentOp.Identity or AugmentOp.AutoContrast or AugmentOp.Equalize)
        {
            return new AugmentStep(op);
        }

        var fraction = random.NextInt(TrivialAugmentBins) / (double)(TrivialAugmentBins - 1);
        return op switch
        {
            AugmentOp.ShearX or AugmentOp.ShearY => new(op, Signed(0.99 * fraction, ref random)),
            AugmentOp.TranslateX or AugmentOp.TranslateY => new(op, Signed((int)(32 * fraction), ref random)),
            AugmentOp.Rotate => new(op, Signed(135 * fraction, ref random)),
            AugmentOp.Posterize => new(op, 8 - (int)Math.Round(fraction * 6, MidpointRounding.ToEven)),
            AugmentOp.Solarize => new(op, 255 * (1 - fraction)),
            _ => new(op, 1 + Signed(0.99 * fraction, ref random)),
        };
    }

    private static double Signed(double value, ref SampleRandom random) => random.NextDouble() < 0.5 ? -value : value;
}
