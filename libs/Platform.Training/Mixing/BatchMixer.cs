using Platform.Training.Configuration;
using static TorchSharp.torch;

namespace Platform.Training.Mixing;

/// <summary>
/// Mixup (Zhang et al. 2018) and CutMix (Yun et al. 2019) over a batch, pairing each sample with the batch reversed
/// (timm's pairing): mixup blends x = λ·x + (1 − λ)·x_rev; cutmix pastes a box of x_rev whose area is about (1 − λ) of
/// the image, centred uniformly at random and clipped to it, and then sets λ to the exact area outside the box.
/// λ ~ Beta(α, α). Targets are λ·q(y) + (1 − λ)·q(y_rev) with label smoothing q(y) = (1 − ε)·onehot(y) + ε/K, so
/// they sum to one. All randomness comes from the given <see cref="Random"/>, so a batch mixes the same way for the
/// same seed.
/// </summary>
public sealed class BatchMixer
{
    private readonly MixupOptions options;
    private readonly int classes;
    private readonly double labelSmoothing;

    public BatchMixer(MixupOptions options, int classes, double labelSmoothing)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        this.options = options;
        this.classes = classes;
        this.labelSmoothing = labelSmoothing;
    }

    /// <summary>Whether batches of <paramref name="epoch"/> (0-based, of <paramref name="epochs"/>) are mixed (mixup.offEpochs).</summary>
    public bool ActiveIn(int epoch, int epochs) => epoch < epochs - options.OffEpochs;

    public MixedBatch Apply(Tensor images, Tensor labels, Random random)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(random);
        var kind = random.NextDouble() >= options.Probability ? MixKind.None
            : options.CutmixAlpha > 0 && (options.Alpha == 0 || random.NextDouble() < options.SwitchProbability) ? MixKind.Cutmix
            : MixKind.Mixup;
        using var scope = NewDisposeScope();
        Tensor mixed;
        double lambda = 1;
        CutmixBox? box = null;
        var reversed = images.flip(0);
        switch (kind)
        {
            case MixKind.Mixup:
                lambda = SampleBeta(options.Alpha, random);
                mixed = images * lambda + reversed * (1 - lambda);
                break;
            case MixKind.Cutmix:
                int height = (int)images.shape[2], width = (int)images.shape[3];
                var cut = Box(height, width, SampleBeta(options.CutmixAlpha, random), random);
                box = cut;
                lambda = 1 - cut.Area / (double)(height * width);
                mixed = images.clone();
                var rows = TensorIndex.Slice(cut.Top, cut.Bottom);
                var columns = TensorIndex.Slice(cut.Left, cut.Right);
                mixed[TensorIndex.Colon, TensorIndex.Colon, rows, columns] = reversed[TensorIndex.Colon, TensorIndex.Colon, rows, columns];
                break;
            default:
                mixed = images.alias();
                break;
        }

        var targets = SoftTargets(labels, lambda);
        return new MixedBatch(mixed.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope(), kind, lambda, box);
    }

    /// <summary>λ·q(y) + (1 − λ)·q(y reversed), [N, K].</summary>
    public Tensor SoftTargets(Tensor labels, double lambda)
    {
        using var scope = NewDisposeScope();
        double off = labelSmoothing / classes, on = 1 - labelSmoothing + off;
        Tensor Smoothed(Tensor y) => nn.functional.one_hot(y, classes).to_type(ScalarType.Float32) * (on - off) + off;
        var own = Smoothed(labels);
        return (own * lambda + Smoothed(labels.flip(0)) * (1 - lambda)).MoveToOuterDisposeScope();
    }

    /// <summary>timm's <c>rand_bbox</c>: sides ⌊H·√(1 − λ)⌋ × ⌊W·√(1 − λ)⌋ around a uniform centre, clipped.</summary>
    public static CutmixBox Box(int height, int width, double lambda, Random random)
    {
        double ratio = Math.Sqrt(1 - lambda);
        int cutHeight = (int)(height * ratio), cutWidth = (int)(width * ratio);
        int centreY = random.Next(height), centreX = random.Next(width);
        return new CutmixBox(
            Math.Clamp(centreY - cutHeight / 2, 0, height), Math.Clamp(centreX - cutWidth / 2, 0, width),
            Math.Clamp(centreY + cutHeight / 2, 0, height), Math.Clamp(centreX + cutWidth / 2, 0, width));
    }

    /// <summary>Beta(α, α) as X / (X + Y) with X, Y ~ Gamma(α, 1).</summary>
    public static double SampleBeta(double alpha, Random random)
    {
        double x = SampleGamma(alpha, random), y = SampleGamma(alpha, random);
        return x + y == 0 ? 0.5 : x / (x + y);
    }

    // Marsaglia & Tsang 2000 for shape ≥ 1; for shape < 1, Gamma(a) = Gamma(a + 1)·U^(1/a).
    private static double SampleGamma(double shape, Random random)
    {
        if (shape < 1)
        {
            return SampleGamma(shape + 1, random) * Math.Pow(1 - random.NextDouble(), 1 / shape);
        }

        double d = shape - 1.0 / 3, c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            double v = Math.Pow(1 + c * z, 3);
            if (v <= 0)
            {
                continue;
            }

            double u = 1 - random.NextDouble();
            if (Math.Log(u) < 0.5 * z * z + d - d * v + d * Math.Log(v))
            {
                return d * v;
            }
        }
    }
}
