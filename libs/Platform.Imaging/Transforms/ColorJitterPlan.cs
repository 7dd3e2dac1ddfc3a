using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Platform.Imaging.Formats.Recipes;

namespace Platform.Imaging.Transforms;

/// <summary>
/// One sample's colour jitter (the drawn order and factors) and the normalisation, applied a row (or a small chunk)
/// at a time while it sits in the L1 cache, instead of one pass over the whole image per adjustment. Brightness, saturation and hue depend only on the pixel itself; contrast needs the mean
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
    /// when it does not. Meant for a row or a small chunk: each step sweeps it while it sits in the L1 cache.
    /// </summary>
    public readonly void Before(Span<float> chw, int plane, int start, int count, ReadOnlySpan<float> mean, ReadOnlySpan<float> inverseStd, ref ChannelSums sums)
    {
        var pixels = new PixelSpan(chw, plane, start, count, Channels);
        var constants = new Constants(this, 0f, mean, inverseStd);
        Run(((ReadOnlySpan<Step>)_before)[..BeforeCount], pixels, constants);
        if (NeedsGrayMean)
        {
            var sum = new SumStep();
            pixels.ForEach(ref sum);
            sums.Add(Vector.Sum(sum.Red), Vector.Sum(sum.Green), Vector.Sum(sum.Blue));
        }
        else
        {
            var normalise = new NormaliseStep(constants);
            pixels.ForEach(ref normalise);
        }
    }

    /// <summary>Contrast (with the image's grayscale mean after <see cref="Before"/>), the adjustments after it, normalisation.</summary>
    public readonly void After(Span<float> chw, int plane, float grayMean, ReadOnlySpan<float> mean, ReadOnlySpan<float> inverseStd)
    {
        var constants = new Constants(this, grayMean, mean, inverseStd);
        var steps = ((ReadOnlySpan<Step>)_after)[..AfterCount];
        const int Chunk = 512;
        for (var start = 0; start < plane; start += Chunk)
        {
            var pixels = new PixelSpan(chw, plane, start, Math.Min(Chunk, plane - start), Channels);
            Run(steps, pixels, constants);
            var normalise = new NormaliseStep(constants);
            pixels.ForEach(ref normalise);
        }
    }

    private static void Run(ReadOnlySpan<Step> steps, PixelSpan pixels, in Constants constants)
    {
        foreach (var step in steps)
        {
            switch (step)
            {
                case Step.Brightness:
                    var brightness = new ScaleStep(constants.Brightness, Vector<float>.Zero);
                    pixels.ForEach(ref brightness);
                    break;
                case Step.Contrast:
                    var contrast = new ScaleStep(constants.Contrast, constants.ContrastShift);
                    pixels.ForEach(ref contrast);
                    break;
                case Step.Saturation:
                    var saturation = new SaturationStep(constants.Saturation, constants.SaturationKeep);
                    pixels.ForEach(ref saturation);
                    break;
                case Step.Hue:
                    var hue = new HueStep(constants.Hue);
                    pixels.ForEach(ref hue);
                    break;
            }
        }
    }

    /// <summary>What one step does to a vector of pixels, channel by channel.</summary>
    private interface IPixelStep
    {
        void Apply(ref Vector<float> r, ref Vector<float> g, ref Vector<float> b);
    }

    /// <summary>
    /// <see cref="ColorAdjustments.AdjustBrightness"/> (x · f + 0) and <see cref="ColorAdjustments.AdjustContrast"/>
    /// (x · f + (1 − f) · mean), clamped to [0, 1].
    /// </summary>
    private readonly struct ScaleStep(Vector<float> scale, Vector<float> shift) : IPixelStep
    {
        public void Apply(ref Vector<float> r, ref Vector<float> g, ref Vector<float> b)
        {
            r = ColorAdjustments.ClampUnit(r * scale + shift);
            g = ColorAdjustments.ClampUnit(g * scale + shift);
            b = ColorAdjustments.ClampUnit(b * scale + shift);
        }
    }

    /// <summary><see cref="ColorAdjustments.AdjustSaturation"/>: blend with the pixel's own grayscale value.</summary>
    private readonly struct SaturationStep(Vector<float> factor, float keep) : IPixelStep
    {
        public void Apply(ref Vector<float> r, ref Vector<float> g, ref Vector<float> b)
        {
            var gray = keep * (RedWeight * r + GreenWeight * g + BlueWeight * b);
            r = ColorAdjustments.ClampUnit(r * factor + gray);
            g = ColorAdjustments.ClampUnit(g * factor + gray);
            b = ColorAdjustments.ClampUnit(b * factor + gray);
        }
    }

    private readonly struct HueStep(Vector<float> shift) : IPixelStep
    {
        public void Apply(ref Vector<float> r, ref Vector<float> g, ref Vector<float> b) => ColorAdjustments.RotateHue(ref r, ref g, ref b, shift);
    }

    private readonly struct NormaliseStep(in Constants constants) : IPixelStep
    {
        private readonly Vector<float> _redMean = constants.RedMean;
        private readonly Vector<float> _greenMean = constants.GreenMean;
        private readonly Vector<float> _blueMean = constants.BlueMean;
        private readonly Vector<float> _redInverseStd = constants.RedInverseStd;
        private readonly Vector<float> _greenInverseStd = constants.GreenInverseStd;
        private readonly Vector<float> _blueInverseStd = constants.BlueInverseStd;

        public void Apply(ref Vector<float> r, ref Vector<float> g, ref Vector<float> b)
        {
            r = (r - _redMean) * _redInverseStd;
            g = (g - _greenMean) * _greenInverseStd;
            b = (b - _blueMean) * _blueInverseStd;
        }
    }

    /// <summary>Adds the pixels to per-lane sums and leaves them unchanged.</summary>
    private struct SumStep : IPixelStep
    {
        public Vector<float> Red;
        public Vector<float> Green;
        public Vector<float> Blue;

        public void Apply(ref Vector<float> r, ref Vector<float> g, ref Vector<float> b)
        {
            Red += r;
            Green += g;
            Blue += b;
        }
    }

    /// <summary>The same run of pixels in each channel plane.</summary>
    private readonly ref struct PixelSpan
    {
        private readonly ref float _red;
        private readonly ref float _green;
        private readonly ref float _blue;
        private readonly int _count;
        private readonly bool _threeChannels;

        public PixelSpan(Span<float> chw, int plane, int start, int count, int channels)
        {
            _threeChannels = channels == 3;
            _count = count;
            _red = ref MemoryMarshal.GetReference(chw.Slice(start, count));
            // One channel: all three refer to the same plane and only red is stored back.
            _green = ref _threeChannels ? ref MemoryMarshal.GetReference(chw.Slice(plane + start, count)) : ref _red;
            _blue = ref _threeChannels ? ref MemoryMarshal.GetReference(chw.Slice(2 * plane + start, count)) : ref _red;
        }

        /// <summary>Runs the step over every pixel; generic over the step so each loop compiles with the step inlined.</summary>
        public void ForEach<TStep>(ref TStep step) where TStep : struct, IPixelStep
        {
            var i = 0;
            for (; i <= _count - Vector<float>.Count; i += Vector<float>.Count)
            {
                var r = Vector.LoadUnsafe(ref _red, (nuint)i);
                var g = Vector.LoadUnsafe(ref _green, (nuint)i);
                var b = Vector.LoadUnsafe(ref _blue, (nuint)i);
                step.Apply(ref r, ref g, ref b);
                if (_threeChannels)
                {
                    b.StoreUnsafe(ref _blue, (nuint)i);
                    g.StoreUnsafe(ref _green, (nuint)i);
                }

                r.StoreUnsafe(ref _red, (nuint)i);
            }

            // The tail runs the same vector code on the first lane (the rest are zero), so every pixel gets identical arithmetic.
            for (; i < _count; i++)
            {
                var r = Vector.CreateScalar(Unsafe.Add(ref _red, i));
                var g = Vector.CreateScalar(Unsafe.Add(ref _green, i));
                var b = Vector.CreateScalar(Unsafe.Add(ref _blue, i));
                step.Apply(ref r, ref g, ref b);
                if (_threeChannels)
                {
                    Unsafe.Add(ref _blue, i) = b[0];
                    Unsafe.Add(ref _green, i) = g[0];
                }

                Unsafe.Add(ref _red, i) = r[0];
            }
        }
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
