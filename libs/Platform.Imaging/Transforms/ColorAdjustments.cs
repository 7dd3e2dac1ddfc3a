using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Platform.Imaging.Transforms;

/// <summary>
/// torchvision's colour adjustments on float images in [0, 1], planar CHW with 1 or 3 channels.
/// Each follows torchvision.transforms.functional (tensor path): blend(a, b, f) = clamp(f·a + (1 − f)·b, 0, 1);
/// grayscale is 0.2989 R + 0.587 G + 0.114 B. Saturation and hue leave 1-channel images unchanged, as torchvision does.
/// The blends run over SIMD vectors; they sit on the training hot path.
/// </summary>
public static class ColorAdjustments
{
    private const float RedWeight = 0.2989f;
    private const float GreenWeight = 0.587f;
    private const float BlueWeight = 0.114f;

    /// <summary>Blend with black: x · factor.</summary>
    public static void AdjustBrightness(Span<float> chw, float factor) => ScaleAndShift(chw, factor, 0f);

    /// <summary>Blend with the mean of the grayscale image (one scalar for the whole image).</summary>
    public static void AdjustContrast(Span<float> chw, int channels, float factor)
    {
        var mean = GrayscaleMean(chw, channels);
        ScaleAndShift(chw, factor, (1 - factor) * mean);
    }

    /// <summary>Blend each pixel with its own grayscale value.</summary>
    public static void AdjustSaturation(Span<float> chw, int channels, float factor)
    {
        if (channels == 1)
        {
            return;
        }

        var plane = chw.Length / 3;
        var red = chw[..plane];
        var green = chw.Slice(plane, plane);
        var blue = chw.Slice(2 * plane, plane);
        var keep = 1 - factor;

        var vectorCount = plane / Vector<float>.Count;
        var redVectors = MemoryMarshal.Cast<float, Vector<float>>(red)[..vectorCount];
        var greenVectors = MemoryMarshal.Cast<float, Vector<float>>(green)[..vectorCount];
        var blueVectors = MemoryMarshal.Cast<float, Vector<float>>(blue)[..vectorCount];
        var factorVector = new Vector<float>(factor);
        for (var i = 0; i < vectorCount; i++)
        {
            var gray = keep * (RedWeight * redVectors[i] + GreenWeight * greenVectors[i] + BlueWeight * blueVectors[i]);
            redVectors[i] = ClampUnit(redVectors[i] * factorVector + gray);
            greenVectors[i] = ClampUnit(greenVectors[i] * factorVector + gray);
            blueVectors[i] = ClampUnit(blueVectors[i] * factorVector + gray);
        }

        for (var i = vectorCount * Vector<float>.Count; i < plane; i++)
        {
            var gray = keep * (RedWeight * red[i] + GreenWeight * green[i] + BlueWeight * blue[i]);
            red[i] = Math.Clamp(red[i] * factor + gray, 0f, 1f);
            green[i] = Math.Clamp(green[i] * factor + gray, 0f, 1f);
            blue[i] = Math.Clamp(blue[i] * factor + gray, 0f, 1f);
        }
    }

    /// <summary>
    /// Rotate hue by <paramref name="hueShift"/> turns (in [-0.5, 0.5]) through HSV. The RGB→HSV step is torchvision's
    /// _rgb2hsv; HSV→RGB uses the closed form c = V − V·S·clamp(min(k, 4 − k), 0, 1) with k = (n + 6H) mod 6 and
    /// n = 5, 3, 1 for R, G, B, which equals torchvision's six-sector _hsv2rgb but needs no branches, so it vectorises
    /// and does not stall on noisy images.
    /// </summary>
    public static void AdjustHue(Span<float> chw, int channels, float hueShift)
    {
        if (channels == 1)
        {
            return;
        }

        var plane = chw.Length / 3;
        var red = chw[..plane];
        var green = chw.Slice(plane, plane);
        var blue = chw.Slice(2 * plane, plane);
        var vectorCount = plane / Vector<float>.Count;
        var redVectors = MemoryMarshal.Cast<float, Vector<float>>(red)[..vectorCount];
        var greenVectors = MemoryMarshal.Cast<float, Vector<float>>(green)[..vectorCount];
        var blueVectors = MemoryMarshal.Cast<float, Vector<float>>(blue)[..vectorCount];
        var shift = new Vector<float>(hueShift);
        for (var i = 0; i < vectorCount; i++)
        {
            RotateHue(ref redVectors[i], ref greenVectors[i], ref blueVectors[i], shift);
        }

        for (var i = vectorCount * Vector<float>.Count; i < plane; i++)
        {
            // The tail reuses the vector code on one lane so both paths give identical values.
            var r = new Vector<float>(red[i]);
            var g = new Vector<float>(green[i]);
            var b = new Vector<float>(blue[i]);
            RotateHue(ref r, ref g, ref b, shift);
            (red[i], green[i], blue[i]) = (r[0], g[0], b[0]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void RotateHue(ref Vector<float> red, ref Vector<float> green, ref Vector<float> blue, Vector<float> shift)
    {
        var max = Vector.Max(red, Vector.Max(green, blue));
        var min = Vector.Min(red, Vector.Min(green, blue));
        var chroma = max - min;
        var gray = Vector.Equals(chroma, Vector<float>.Zero);
        var one = Vector<float>.One;
        var inverseChroma = one / Vector.ConditionalSelect(gray, one, chroma);
        var saturation = chroma / Vector.ConditionalSelect(gray, one, max);

        var maxIsRed = Vector.Equals(max, red);
        var maxIsGreen = Vector.AndNot(Vector.Equals(max, green), maxIsRed);
        var hue = Vector.ConditionalSelect(maxIsRed, (green - blue) * inverseChroma,
            Vector.ConditionalSelect(maxIsGreen, new Vector<float>(2f) + (blue - red) * inverseChroma,
                new Vector<float>(4f) + (red - green) * inverseChroma));
        hue = hue / new Vector<float>(6f) + one + shift;
        var sixHue = (hue - Vector.Floor(hue)) * new Vector<float>(6f);

        var valueTimesSaturation = max * saturation;
        // Gray pixels have no hue: rotating leaves them unchanged.
        red = Vector.ConditionalSelect(gray, red, Channel(5f, sixHue, max, valueTimesSaturation));
        green = Vector.ConditionalSelect(gray, green, Channel(3f, sixHue, max, valueTimesSaturation));
        blue = Vector.ConditionalSelect(gray, blue, Channel(1f, sixHue, max, valueTimesSaturation));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Channel(float n, Vector<float> sixHue, Vector<float> value, Vector<float> valueTimesSaturation)
    {
        var six = new Vector<float>(6f);
        // k mod 6 for k in [n, n + 6] ⊂ [1, 11]: one compare and select instead of a division. Exactly the same as
        // k − 6·floor(k / 6): k / 6 rounds below 1 for every float k < 6, and below 2 for every k < 12.
        var k = new Vector<float>(n) + sixHue;
        k = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(k, six), k - six, k);
        var ramp = Vector.Min(Vector.Max(Vector.Min(k, new Vector<float>(4f) - k), Vector<float>.Zero), Vector<float>.One);
        return value - valueTimesSaturation * ramp;
    }

    public static float GrayscaleMean(ReadOnlySpan<float> chw, int channels)
    {
        if (channels == 1)
        {
            return (float)(Sum(chw) / chw.Length);
        }

        var plane = chw.Length / 3;
        var weighted = RedWeight * Sum(chw[..plane]) + GreenWeight * Sum(chw.Slice(plane, plane)) + BlueWeight * Sum(chw.Slice(2 * plane, plane));
        return (float)(weighted / plane);
    }

    private static double Sum(ReadOnlySpan<float> values)
    {
        // Per-row partial sums in float vectors, accumulated in double so a 224² plane loses no precision.
        double total = 0;
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        const int Chunk = 256;
        for (var start = 0; start < vectors.Length; start += Chunk)
        {
            var partial = Vector<float>.Zero;
            foreach (var vector in vectors.Slice(start, Math.Min(Chunk, vectors.Length - start)))
            {
                partial += vector;
            }

            total += Vector.Sum(partial);
        }

        for (var i = vectors.Length * Vector<float>.Count; i < values.Length; i++)
        {
            total += values[i];
        }

        return total;
    }

    private static void ScaleAndShift(Span<float> values, float scale, float shift)
    {
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(values);
        var scaleVector = new Vector<float>(scale);
        var shiftVector = new Vector<float>(shift);
        for (var i = 0; i < vectors.Length; i++)
        {
            vectors[i] = ClampUnit(vectors[i] * scaleVector + shiftVector);
        }

        for (var i = vectors.Length * Vector<float>.Count; i < values.Length; i++)
        {
            values[i] = Math.Clamp(values[i] * scale + shift, 0f, 1f);
        }
    }

    internal static Vector<float> ClampUnit(Vector<float> value) => Vector.Min(Vector.Max(value, Vector<float>.Zero), Vector<float>.One);
}
