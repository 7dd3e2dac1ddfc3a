using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Platform.Imaging.Transforms;

/// <summary>
/// One sample's colour jitter (the drawn order and factors) and the normalisation, applied per pixel instead of one
/// pass per adjustment. Brightness, saturation and hue depend only on the pixel itself; contrast needs the mean
/// grayscale of the whole image as it stands at that point of the order. So the work splits at contrast:
/// <see cref="Before"/> runs the adjustments drawn ahead of it and sums the result's channels, <see cref="After"/>
/// runs contrast, the adjustments drawn after it and the normalisation. Without contrast, <see cref="Before"/>
/// does everything and <see cref="After"/> is empty. Each adjustment is the same float expression as in
/// <see cref="ColorAdjustments"/>, lane by lane, so only the mean's summation order differs from running them there.
/// </summary>
internal struct ColorJitterPlan
{
    private const float RedWeight = 0.2989f;
    private const float GreenWeight = 0.587f;
    private const float BlueWeight = 0.114f;

    private Steps _before;
    private Steps _after;
    private float _brightness;
    private float _contrast;
    private float _saturation;
    private float _hue;

    private ColorJitterPlan(int channels)
    {
        Channels = channels;
    }

    public int Channels { get; }

    public int BeforeCount { get; private set; }

    public int AfterCount { get; private set; }

    /// <summary>True when a second pass over the image is needed (contrast is drawn).</summary>
    public readonly bool NeedsGrayMean => AfterCount > 0;

    public static ColorJitterPlan None(int channels) => new(channels);

    /// <summary>
    /// Draws the order and the factors exactly as the per-adjustment path did (order shuffle, then brightness,
    /// contrast, saturation and hue), so a (seed, epoch, index) gives the same choices as before.
    /// </summary>
    public static ColorJitterPlan Draw(ColorJitterOptions jitter, int channels, ref SampleRandom random)
    {
        Span<int> order = [0, 1, 2, 3];
        random.Shuffle(order);
        var brightness = DrawFactor(jitter.Brightness, ref random);
        var contrast = DrawFactor(jitter.Contrast, ref random);
        var saturation = DrawFactor(jitter.Saturation, ref random);
        var hue = jitter.Hue > 0 ? (float)random.NextUniform(-jitter.Hue, jitter.Hue) : (float?)null;

        var plan = new ColorJitterPlan(channels)
        {
            _brightness = brightness ?? 1f,
            _contrast = contrast ?? 1f,
            _saturation = saturation ?? 1f,
            _hue = hue ?? 0f,
        };
        var contrastSeen = false;
        foreach (var adjustment in order)
        {
            var step = (Step)adjustment;
            var drawn = step switch
            {
                Step.Brightness => brightness is not null,
                Step.Contrast => contrast is not null,
                // Saturation and hue leave one-channel images unchanged (torchvision does the same).
                Step.Saturation => saturation is not null && channels == 3,
                _ => hue is not null && channels == 3,
            };
            if (!drawn)
            {
                continue;
            }

            contrastSeen |= step == Step.Contrast;
            if (contrastSeen)
            {
                plan._after[plan.AfterCount++] = step;
            }
            else
            {
                plan._before[plan.BeforeCount++] = step;
            }
        }

        return plan;
    }

    private static float? DrawFactor(double strength, ref SampleRandom random) =>
        strength > 0 ? (float)random.NextUniform(Math.Max(0, 1 - strength), 1 + strength) : null;

    /// <summary>
    /// Runs the whole plan over a planar image in [0, 1] and normalises it: one pass for <see cref="Before"/> (and the
    /// grayscale sums), one for <see cref="After"/> when contrast is drawn.
    /// </summary>
    public readonly void ApplyInPlace(Span<float> chw, ReadOnlySpan<float> mean, ReadOnlySpan<float> inverseStd)
    {
        var plane = chw.Length / Channels;
        var sums = new ChannelSums();
        // In chunks, as the row-by-row path does: each chunk's float sums go into the double totals before they grow large.
        const int Chunk = 1024;
        for (var start = 0; start < plane; start += Chunk)
        {
            Before(chw, plane, start, Math.Min(Chunk, plane - start), mean, inverseStd, ref sums);
        }

        if (NeedsGrayMean)
        {
            After(chw, plane, sums.GrayMean(Channels, plane), mean, inverseStd);
        }
    }

    /// <summary>
    /// Applies the adjustments drawn before contrast to <paramref name="count"/> pixels from <paramref name="start"/> of
    /// each plane; adds the resulting channel sums to <paramref name="sums"/> when contrast follows, and normalises
    /// when it does not.
    /// </summary>
    public readonly void Before(Span<float> chw, int plane, int start, int count, ReadOnlySpan<float> mean, ReadOnlySpan<float> inverseStd, ref ChannelSums sums)
    {
        var steps = ((ReadOnlySpan<Step>)_before)[..BeforeCount];
        var normalise = !NeedsGrayMean;
        ref var red = ref MemoryMarshal.GetReference(chw.Slice(start, count));
        ref var green = ref Channels == 3 ? ref MemoryMarshal.GetReference(chw.Slice(plane + start, count)) : ref red;
        ref var blue = ref Channels == 3 ? ref MemoryMarshal.GetReference(chw.Slice(2 * plane + start, count)) : ref red;
        var constants = new Constants(this, 0f, mean, inverseStd);

        var redSum = Vector<float>.Zero;
        var greenSum = Vector<float>.Zero;
        var blueSum = Vector<float>.Zero;
        var i = 0;
        for (; i <= count - Vector<float>.Count; i += Vector<float>.Count)
        {
            var r = Vector.LoadUnsafe(ref red, (nuint)i);
            var g = Vector.LoadUnsafe(ref green, (nuint)i);
            var b = Vector.LoadUnsafe(ref blue, (nuint)i);
            Run(steps, ref r, ref g, ref b, constants);
            if (normalise)
            {
                Normalise(ref r, ref g, ref b, constants);
            }
            else
            {
                redSum += r;
                greenSum += g;
                blueSum += b;
            }

            Store(r, g, b, ref red, ref green, ref blue, i);
        }

        // The tail runs the vector code on one lane so that every pixel gets identical arithmetic.
        for (; i < count; i++)
        {
            var r = new Vector<float>(Unsafe.Add(ref red, i));
            var g = new Vector<float>(Unsafe.Add(ref green, i));
            var b = new Vector<float>(Unsafe.Add(ref blue, i));
            Run(steps, ref r, ref g, ref b, constants);
            if (normalise)
            {
                Normalise(ref r, ref g, ref b, constants);
            }
            else
            {
                redSum += r * FirstLane;
                greenSum += g * FirstLane;
                blueSum += b * FirstLane;
            }

            StoreFirstLane(r, g, b, ref red, ref green, ref blue, i);
        }

        if (!normalise)
        {
            sums.Add(Vector.Sum(redSum), Vector.Sum(greenSum), Vector.Sum(blueSum));
        }
    }

    /// <summary>Contrast (with the image's grayscale mean after <see cref="Before"/>), the adjustments after it, normalisation.</summary>
    public readonly void After(Span<float> chw, int plane, float grayMean, ReadOnlySpan<float> mean, ReadOnlySpan<float> inverseStd)
    {
        var steps = ((ReadOnlySpan<Step>)_after)[..AfterCount];
        ref var red = ref MemoryMarshal.GetReference(chw);
        ref var green = ref Channels == 3 ? ref Unsafe.Add(ref red, plane) : ref red;
        ref var blue = ref Channels == 3 ? ref Unsafe.Add(ref red, 2 * plane) : ref red;
        var constants = new Constants(this, grayMean, mean, inverseStd);
        var i = 0;
        for (; i <= plane - Vector<float>.Count; i += Vector<float>.Count)
        {
            var r = Vector.LoadUnsafe(ref red, (nuint)i);
            var g = Vector.LoadUnsafe(ref green, (nuint)i);
            var b = Vector.LoadUnsafe(ref blue, (nuint)i);
            Run(steps, ref r, ref g, ref b, constants);
            Normalise(ref r, ref g, ref b, constants);
            Store(r, g, b, ref red, ref green, ref blue, i);
        }

        for (; i < plane; i++)
        {
            var r = new Vector<float>(Unsafe.Add(ref red, i));
            var g = new Vector<float>(Unsafe.Add(ref green, i));
            var b = new Vector<float>(Unsafe.Add(ref blue, i));
            Run(steps, ref r, ref g, ref b, constants);
            Normalise(ref r, ref g, ref b, constants);
            StoreFirstLane(r, g, b, ref red, ref green, ref blue, i);
        }
    }

    private static readonly Vector<float> FirstLane = Vector.ConditionalSelect(
        Vector.Equals(Vector<int>.Indices, Vector<int>.Zero), Vector<float>.One, Vector<float>.Zero);

    private readonly void Run(ReadOnlySpan<Step> steps, ref Vector<float> r, ref Vector<float> g, ref Vector<float> b, in Constants constants)
    {
        foreach (var step in steps)
        {
            switch (step)
            {
                case Step.Brightness:
                    // ColorAdjustments.AdjustBrightness: blend with black, x · f + 0.
                    r = ColorAdjustments.ClampUnit(r * constants.Brightness + Vector<float>.Zero);
                    g = ColorAdjustments.ClampUnit(g * constants.Brightness + Vector<float>.Zero);
                    b = ColorAdjustments.ClampUnit(b * constants.Brightness + Vector<float>.Zero);
                    break;
                case Step.Contrast:
                    r = ColorAdjustments.ClampUnit(r * constants.Contrast + constants.ContrastShift);
                    g = ColorAdjustments.ClampUnit(g * constants.Contrast + constants.ContrastShift);
                    b = ColorAdjustments.ClampUnit(b * constants.Contrast + constants.ContrastShift);
                    break;
                case Step.Saturation:
                    var gray = constants.SaturationKeep * (RedWeight * r + GreenWeight * g + BlueWeight * b);
                    r = ColorAdjustments.ClampUnit(r * constants.Saturation + gray);
                    g = ColorAdjustments.ClampUnit(g * constants.Saturation + gray);
                    b = ColorAdjustments.ClampUnit(b * constants.Saturation + gray);
                    break;
                case Step.Hue:
                    ColorAdjustments.RotateHue(ref r, ref g, ref b, constants.Hue);
                    break;
            }
        }
    }

    private static void Normalise(ref Vector<float> r, ref Vector<float> g, ref Vector<float> b, in Constants constants)
    {
        r = (r - constants.RedMean) * constants.RedInverseStd;
        g = (g - constants.GreenMean) * constants.GreenInverseStd;
        b = (b - constants.BlueMean) * constants.BlueInverseStd;
    }

    private readonly void Store(Vector<float> r, Vector<float> g, Vector<float> b, ref float red, ref float green, ref float blue, int i)
    {
        // One-channel images alias all three references to the same plane: write only the first.
        if (Channels == 3)
        {
            b.StoreUnsafe(ref blue, (nuint)i);
            g.StoreUnsafe(ref green, (nuint)i);
        }

        r.StoreUnsafe(ref red, (nuint)i);
    }

    private readonly void StoreFirstLane(Vector<float> r, Vector<float> g, Vector<float> b, ref float red, ref float green, ref float blue, int i)
    {
        if (Channels == 3)
        {
            Unsafe.Add(ref blue, i) = b[0];
            Unsafe.Add(ref green, i) = g[0];
        }

        Unsafe.Add(ref red, i) = r[0];
    }

    /// <summary>The plan's factors as vectors, built once per pass.</summary>
    private readonly struct Constants
    {
        public readonly Vector<float> Brightness;
        public readonly Vector<float> Contrast;
        public readonly Vector<float> ContrastShift;
        public readonly Vector<float> Saturation;
        public readonly float SaturationKeep;
        public readonly Vector<float> Hue;
        public readonly Vector<float> RedMean;
        public readonly Vector<float> GreenMean;
        public readonly Vector<float> BlueMean;
        public readonly Vector<float> RedInverseStd;
        public readonly Vector<float> GreenInverseStd;
        public readonly Vector<float> BlueInverseStd;

        public Constants(in ColorJitterPlan plan, float grayMean, ReadOnlySpan<float> mean, ReadOnlySpan<float> inverseStd)
        {
            Brightness = new Vector<float>(plan._brightness);
            Contrast = new Vector<float>(plan._contrast);
            // ColorAdjustments.AdjustContrast: x · f + (1 − f) · mean.
            ContrastShift = new Vector<float>((1 - plan._contrast) * grayMean);
            Saturation = new Vector<float>(plan._saturation);
            SaturationKeep = 1 - plan._saturation;
            Hue = new Vector<float>(plan._hue);
            var last = mean.Length - 1;
            RedMean = new Vector<float>(mean[0]);
            GreenMean = new Vector<float>(mean[Math.Min(1, last)]);
            BlueMean = new Vector<float>(mean[last]);
            RedInverseStd = new Vector<float>(inverseStd[0]);
            GreenInverseStd = new Vector<float>(inverseStd[Math.Min(1, last)]);
            BlueInverseStd = new Vector<float>(inverseStd[last]);
        }
    }

    private enum Step : byte
    {
        Brightness = 0,
        Contrast = 1,
        Saturation = 2,
        Hue = 3,
    }

    [InlineArray(4)]
    private struct Steps
    {
        private Step _element;
    }
}

/// <summary>Per-channel sums of an image, accumulated row by row in double so a large plane loses no precision.</summary>
internal struct ChannelSums
{
    private double _red;
    private double _green;
    private double _blue;

    public void Add(float red, float green, float blue)
    {
        _red += red;
        _green += green;
        _blue += blue;
    }

    /// <summary>The mean grayscale value, weighted as <see cref="ColorAdjustments.GrayscaleMean"/> does.</summary>
    public readonly float GrayMean(int channels, int plane) => channels == 1
        ? (float)(_red / plane)
        : (float)((0.2989f * _red + 0.587f * _green + 0.114f * _blue) / plane);
}
