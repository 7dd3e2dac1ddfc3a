namespace Platform.Imaging.Transforms;

/// <summary>
/// torchvision's colour adjustments on float images in [0, 1], planar CHW with 1 or 3 channels.
/// Each follows torchvision.transforms.functional (tensor path): blend(a, b, f) = clamp(f·a + (1 − f)·b, 0, 1);
/// grayscale is 0.2989 R + 0.587 G + 0.114 B. Saturation and hue leave 1-channel images unchanged, as torchvision does.
/// </summary>
public static class ColorAdjustments
{
    private const float RedWeight = 0.2989f;
    private const float GreenWeight = 0.587f;
    private const float BlueWeight = 0.114f;

    /// <summary>Blend with black: x · factor.</summary>
    public static void AdjustBrightness(Span<float> chw, float factor)
    {
        for (var i = 0; i < chw.Length; i++)
        {
            chw[i] = Math.Clamp(chw[i] * factor, 0f, 1f);
        }
    }

    /// <summary>Blend with the mean of the grayscale image (one scalar for the whole image).</summary>
    public static void AdjustContrast(Span<float> chw, int channels, float factor)
    {
        var mean = GrayscaleMean(chw, channels);
        var offset = (1 - factor) * mean;
        for (var i = 0; i < chw.Length; i++)
        {
            chw[i] = Math.Clamp(chw[i] * factor + offset, 0f, 1f);
        }
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
        for (var i = 0; i < plane; i++)
        {
            var gray = keep * (RedWeight * red[i] + GreenWeight * green[i] + BlueWeight * blue[i]);
            red[i] = Math.Clamp(red[i] * factor + gray, 0f, 1f);
            green[i] = Math.Clamp(green[i] * factor + gray, 0f, 1f);
            blue[i] = Math.Clamp(blue[i] * factor + gray, 0f, 1f);
        }
    }

    /// <summary>
    /// Rotate hue by <paramref name="hueShift"/> turns (in [-0.5, 0.5]) through HSV, using torchvision's
    /// _rgb2hsv / _hsv2rgb formulas so values match it to float precision.
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
        for (var i = 0; i < plane; i++)
        {
            float r = red[i], g = green[i], b = blue[i];
            var max = MathF.Max(r, MathF.Max(g, b));
            var min = MathF.Min(r, MathF.Min(g, b));
            var chroma = max - min;
            if (chroma == 0)
            {
                // Gray pixels have no hue; rotating leaves them unchanged.
                continue;
            }

            var saturation = chroma / max;
            var redDistance = (max - r) / chroma;
            var greenDistance = (max - g) / chroma;
            var blueDistance = (max - b) / chroma;
            float hue;
            if (max == r)
            {
                hue = blueDistance - greenDistance;
            }
            else if (max == g)
            {
                hue = 2f + redDistance - blueDistance;
            }
            else
            {
                hue = 4f + greenDistance - redDistance;
            }

            hue = (hue / 6f + 1f) % 1f;
            hue = (hue + hueShift) % 1f;
            if (hue < 0)
            {
                hue += 1f;
            }

            HsvToRgb(hue, saturation, max, out red[i], out green[i], out blue[i]);
        }
    }

    public static float GrayscaleMean(ReadOnlySpan<float> chw, int channels)
    {
        double sum = 0;
        if (channels == 1)
        {
            foreach (var value in chw)
            {
                sum += value;
            }

            return (float)(sum / chw.Length);
        }

        var plane = chw.Length / 3;
        for (var i = 0; i < plane; i++)
        {
            sum += RedWeight * chw[i] + GreenWeight * chw[plane + i] + BlueWeight * chw[2 * plane + i];
        }

        return (float)(sum / plane);
    }

    private static void HsvToRgb(float hue, float saturation, float value, out float red, out float green, out float blue)
    {
        var scaled = hue * 6f;
        var sector = MathF.Floor(scaled);
        var fraction = scaled - sector;
        var p = Math.Clamp(value * (1f - saturation), 0f, 1f);
        var q = Math.Clamp(value * (1f - saturation * fraction), 0f, 1f);
        var t = Math.Clamp(value * (1f - saturation * (1f - fraction)), 0f, 1f);
        switch ((int)sector % 6)
        {
            case 0: (red, green, blue) = (value, t, p); break;
            case 1: (red, green, blue) = (q, value, p); break;
            case 2: (red, green, blue) = (p, value, t); break;
            case 3: (red, green, blue) = (p, q, value); break;
            case 4: (red, green, blue) = (t, p, value); break;
            default: (red, green, blue) = (value, p, q); break;
        }
    }
}
