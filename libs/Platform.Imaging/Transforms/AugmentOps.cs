using Platform.Imaging.Formats;

namespace Platform.Imaging.Transforms;

/// <summary>
/// The <see cref="AugmentOp"/> operations on interleaved 8-bit pixels (1 or 3 channels), following PIL's
/// <c>ImageOps</c>, <c>ImageEnhance</c> and affine <c>transform</c>, which timm's RandAugment and torchvision's
/// TrivialAugmentWide call: enhancements blend with their degenerate image and truncate like <c>Image.blend</c>;
/// geometric operations map each output pixel centre to the input, sample it bilinearly (edges clamped) and give
/// pixels whose centre falls outside the input the fill colour.
/// </summary>
public static class AugmentOps
{
    /// <summary>A copy of <paramref name="image"/> with <paramref name="step"/> applied; <paramref name="fill"/> has one value per channel.</summary>
    public static ImageBuffer Apply(ImageBuffer image, AugmentStep step, ReadOnlySpan<byte> fill)
    {
        ArgumentNullException.ThrowIfNull(image);
        var result = new ImageBuffer(image.Width, image.Height, image.Channels, (byte[])image.Pixels.Clone());
        ApplyInPlace(step, result.Pixels, new byte[result.Pixels.Length], image.Width, image.Height, image.Channels, fill);
        return result;
    }

    /// <summary>Applies <paramref name="step"/> to <paramref name="pixels"/>; <paramref name="scratch"/> (as long) is overwritten.</summary>
    internal static void ApplyInPlace(AugmentStep step, Span<byte> pixels, Span<byte> scratch, int width, int height, int channels,
        ReadOnlySpan<byte> fill)
    {
        if (fill.Length != channels)
        {
            throw new ArgumentException($"The fill needs one value per channel ({channels}); it has {fill.Length}.", nameof(fill));
        }

        var argument = step.Argument;
        switch (step.Op)
        {
            case AugmentOp.Identity:
                return;
            case AugmentOp.AutoContrast:
                PerChannelTables(pixels, channels, AutoContrastTable);
                return;
            case AugmentOp.Equalize:
                PerChannelTables(pixels, channels, EqualizeTable);
                return;
            case AugmentOp.Invert:
                Table(pixels, value => 255 - value);
                return;
            case AugmentOp.Posterize:
                var keep = Math.Clamp((int)argument, 0, 8);
                var mask = ~((1 << (8 - keep)) - 1);
                Table(pixels, value => value & mask);
                return;
            case AugmentOp.Solarize:
                Table(pixels, value => value >= argument ? 255 - value : value);
                return;
            case AugmentOp.SolarizeAdd:
                var add = (int)argument;
                Table(pixels, value => value < 128 ? Math.Min(255, value + add) : value);
                return;
            case AugmentOp.Brightness:
                Table(pixels, value => Blend(0, value, argument));
                return;
            case AugmentOp.Contrast:
                var mean = (int)(MeanGray(pixels, channels) + 0.5);
                Table(pixels, value => Blend(mean, value, argument));
                return;
            case AugmentOp.Color:
                Color(pixels, channels, argument);
                return;
            case AugmentOp.Sharpness:
                Sharpness(pixels, scratch, width, height, channels, argument);
                return;
            case AugmentOp.Rotate:
                // PIL's Image.rotate: the inverse rotation about the centre, entries rounded to 15 places as PIL does
                // (so 90° is exact).
                var radians = argument * Math.PI / 180;
                double cos = Math.Round(Math.Cos(radians), 15), sin = Math.Round(Math.Sin(radians), 15);
                double centerX = width / 2.0, centerY = height / 2.0;
                Warp(pixels, scratch, width, height, channels, fill,
                    cos, -sin, centerX - cos * centerX + sin * centerY,
                    sin, cos, centerY - sin * centerX - cos * centerY);
                return;
            case AugmentOp.ShearX:
                Warp(pixels, scratch, width, height, channels, fill, 1, argument, 0, 0, 1, 0);
                return;
            case AugmentOp.ShearY:
                Warp(pixels, scratch, width, height, channels, fill, 1, 0, 0, argument, 1, 0);
                return;
            case AugmentOp.TranslateX:
                Warp(pixels, scratch, width, height, channels, fill, 1, 0, argument, 0, 1, 0);
                return;
            case AugmentOp.TranslateY:
                Warp(pixels, scratch, width, height, channels, fill, 1, 0, 0, 0, 1, argument);
                return;
            default:
                throw new ArgumentOutOfRangeException(nameof(step), step.Op, "Unknown augmentation operation.");
        }
    }

    /// <summary>PIL's Image.blend(degenerate, image, factor) for one value: computed in float and truncated into [0, 255].</summary>
    private static int Blend(float degenerate, int value, double factor)
    {
        var blended = degenerate + (float)factor * (value - degenerate);
        return blended <= 0 ? 0 : blended >= 255 ? 255 : (int)blended;
    }

    private static void Table(Span<byte> pixels, Func<int, int> map)
    {
        Span<byte> table = stackalloc byte[256];
        for (var value = 0; value < 256; value++)
        {
            table[value] = (byte)Math.Clamp(map(value), 0, 255);
        }

        foreach (ref var pixel in pixels)
        {
            pixel = table[pixel];
        }
    }

    private static void PerChannelTables(Span<byte> pixels, int channels, TableBuilder build)
    {
        Span<int> histogram = stackalloc int[256];
        Span<byte> table = stackalloc byte[256];
        for (var channel = 0; channel < channels; channel++)
        {
            histogram.Clear();
            for (var i = channel; i < pixels.Length; i += channels)
            {
                histogram[pixels[i]]++;
            }

            build(histogram, table);
            for (var i = channel; i < pixels.Length; i += channels)
            {
                pixels[i] = table[pixels[i]];
            }
        }
    }

    private delegate void TableBuilder(ReadOnlySpan<int> histogram, Span<byte> table);

    /// <summary>PIL's ImageOps.autocontrast with no cutoff: the lowest value present maps to 0, the highest to 255.</summary>
    private static void AutoContrastTable(ReadOnlySpan<int> histogram, Span<byte> table)
    {
        int low = 0, high = 255;
        while (low < 256 && histogram[low] == 0)
        {
            low++;
        }

        while (high >= 0 && histogram[high] == 0)
        {
            high--;
        }

        var scale = high > low ? 255.0 / (high - low) : 1.0;
        var offset = high > low ? -low * scale : 0.0;
        for (var value = 0; value < 256; value++)
        {
            table[value] = (byte)Math.Clamp((int)(value * scale + offset), 0, 255);
        }
    }

    /// <summary>PIL's ImageOps.equalize: step = (pixels − the last occupied bin's count) / 255, cumulative counts over it.</summary>
    private static void EqualizeTable(ReadOnlySpan<int> histogram, Span<byte> table)
    {
        int total = 0, occupied = 0, last = 0;
        foreach (var count in histogram)
        {
            if (count > 0)
            {
                total += count;
                occupied++;
                last = count;
            }
        }

        var step = (total - last) / 255;
        if (occupied <= 1 || step == 0)
        {
            for (var value = 0; value < 256; value++)
            {
                table[value] = (byte)value;
            }

            return;
        }

        var running = step / 2;
        for (var value = 0; value < 256; value++)
        {
            table[value] = (byte)Math.Min(255, running / step);
            running += histogram[value];
        }
    }

    /// <summary>PIL's "L" conversion: (299 R + 587 G + 114 B) / 1000, rounded.</summary>
    private static int Luma(int red, int green, int blue) => (red * 299 + green * 587 + blue * 114 + 500) / 1000;

    private static double MeanGray(ReadOnlySpan<byte> pixels, int channels)
    {
        long sum = 0;
        for (var i = 0; i < pixels.Length; i += channels)
        {
            sum += channels == 1 ? pixels[i] : Luma(pixels[i], pixels[i + 1], pixels[i + 2]);
        }

        return (double)sum / (pixels.Length / channels);
    }

    /// <summary>ImageEnhance.Color: blend with the image's own grayscale; a grayscale image has no colour to change.</summary>
    private static void Color(Span<byte> pixels, int channels, double factor)
    {
        if (channels == 1)
        {
            return;
        }

        for (var i = 0; i < pixels.Length; i += 3)
        {
            var gray = Luma(pixels[i], pixels[i + 1], pixels[i + 2]);
            pixels[i] = (byte)Blend(gray, pixels[i], factor);
            pixels[i + 1] = (byte)Blend(gray, pixels[i + 1], factor);
            pixels[i + 2] = (byte)Blend(gray, pixels[i + 2], factor);
        }
    }

    /// <summary>
    /// ImageEnhance.Sharpness: blend with PIL's SMOOTH filter ([1 1 1; 1 5 1; 1 1 1] / 13, rounded), whose border pixels
    /// are the image's own, so the border is left unchanged.
    /// </summary>
    private static void Sharpness(Span<byte> pixels, Span<byte> smoothed, int width, int height, int channels, double factor)
    {
        pixels.CopyTo(smoothed);
        var row = width * channels;
        for (var y = 1; y < height - 1; y++)
        {
            for (var x = 1; x < width - 1; x++)
            {
                for (var channel = 0; channel < channels; channel++)
                {
                    var centre = y * row + x * channels + channel;
                    var sum = 4 * pixels[centre];
                    for (var dy = -1; dy <= 1; dy++)
                    {
                        for (var dx = -1; dx <= 1; dx++)
                        {
                            sum += pixels[centre + dy * row + dx * channels];
                        }
                    }

                    smoothed[centre] = (byte)((sum + 6) / 13);
                }
            }
        }

        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)Blend(smoothed[i], pixels[i], factor);
        }
    }

    /// <summary>
    /// Output pixel centre (x + ½, y + ½) reads the input at (a·x + b·y + c, d·x + e·y + f), PIL's affine data order;
    /// bilinear between the four nearest input pixels (clamped at the edges), rounded; outside the input, the fill.
    /// </summary>
    private static void Warp(Span<byte> pixels, Span<byte> target, int width, int height, int channels, ReadOnlySpan<byte> fill,
        double a, double b, double c, double d, double e, double f)
    {
        var row = width * channels;
        for (var y = 0; y < height; y++)
        {
            var outputY = y + 0.5;
            for (var x = 0; x < width; x++)
            {
                var outputX = x + 0.5;
                var inputX = a * outputX + b * outputY + c;
                var inputY = d * outputX + e * outputY + f;
                var offset = y * row + x * channels;
                if (!(inputX >= 0 && inputX < width && inputY >= 0 && inputY < height))
                {
                    fill.CopyTo(target.Slice(offset, channels));
                    continue;
                }

                var sampleX = inputX - 0.5;
                var sampleY = inputY - 0.5;
                var left = (int)Math.Floor(sampleX);
                var top = (int)Math.Floor(sampleY);
                var weightX = sampleX - left;
                var weightY = sampleY - top;
                var x0 = Math.Clamp(left, 0, width - 1) * channels;
                var x1 = Math.Clamp(left + 1, 0, width - 1) * channels;
                var y0 = Math.Clamp(top, 0, height - 1) * row;
                var y1 = Math.Clamp(top + 1, 0, height - 1) * row;
                for (var channel = 0; channel < channels; channel++)
                {
                    var upper = pixels[y0 + x0 + channel] + (pixels[y0 + x1 + channel] - pixels[y0 + x0 + channel]) * weightX;
                    var lower = pixels[y1 + x0 + channel] + (pixels[y1 + x1 + channel] - pixels[y1 + x0 + channel]) * weightX;
                    target[offset + channel] = (byte)Math.Clamp((int)(upper + (lower - upper) * weightY + 0.5), 0, 255);
                }
            }
        }

        target[..pixels.Length].CopyTo(pixels);
    }
}
