using System.Buffers;
using Platform.Imaging.Transforms;
using Platform.Imaging.Formats.Recipes;
using Platform.Imaging.Formats;

namespace Platform.Imaging.Tests.Transforms;

/// <summary>
/// The straightforward form of <see cref="TransformPipeline.Apply"/>, one step at a time, as the pipeline ran before it
/// was fused: Skia resamples the region to 8-bit pixels, the window is read (mirrored when flipped) into floats in
/// [0, 1], then each drawn colour adjustment runs over the whole image through <see cref="ColorAdjustments"/> in the
/// drawn order, then the normalisation. Random draws in the same order: crop, flip, jitter order, brightness,
/// contrast, saturation, hue. The fused pipeline must agree with it up to the 8-bit rounding it no longer does.
/// </summary>
internal static class StepByStepTransform
{
    public static float[] Apply(TransformRecipe recipe, ImageBuffer input, int seed, int epoch, int sampleIndex)
    {
        var image = input.WithChannels(recipe.Channels);
        var random = SampleRandom.ForSample(seed, epoch, sampleIndex);
        var size = recipe.Size;
        CropRegion region;
        int width, height;
        CropRegion window;
        if (recipe.RandomResizedCrop is { } crop)
        {
            region = CropRegion.SampleRandomResized(image.Width, image.Height, crop, ref random);
            (width, height, window) = (size, size, CropRegion.Whole(size, size));
        }
        else if (recipe.ResizeShorterSide is { } shorterSide)
        {
            region = CropRegion.Whole(image.Width, image.Height);
            (width, height) = CropRegion.ShorterSideSize(image.Width, image.Height, shorterSide);
            window = CropRegion.Center(width, height, size, size);
        }
        else
        {
            region = CropRegion.Whole(image.Width, image.Height);
            (width, height, window) = (size, size, CropRegion.Whole(size, size));
        }

        var flip = recipe.HorizontalFlipProbability > 0 && random.NextDouble() < recipe.HorizontalFlipProbability;
        var output = new float[recipe.Channels * size * size];
        var scratch = ArrayPool<byte>.Shared.Rent(Resampler.TargetLength(image, width, height));
        try
        {
            var rows = region == CropRegion.Whole(image.Width, image.Height) && width == image.Width && height == image.Height
                ? PixelRows.Of(image)
                : Resampler.Resample(image, region, width, height, scratch);
            ReadWindow(rows, window, flip, recipe.Channels, size, output);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }

        if (recipe.ColorJitter is { } jitter && jitter != new ColorJitterOptions())
        {
            Jitter(output, recipe.Channels, jitter, ref random);
        }

        Normalise(output, recipe);
        return output;
    }

    /// <summary>torchvision ColorJitter: a random order of the four adjustments, each with its own random factor.</summary>
    public static void Jitter(float[] chw, int channels, ColorJitterOptions jitter, ref SampleRandom random)
    {
        Span<int> order = [0, 1, 2, 3];
        random.Shuffle(order);
        var brightness = Factor(jitter.Brightness, ref random);
        var contrast = Factor(jitter.Contrast, ref random);
        var saturation = Factor(jitter.Saturation, ref random);
        var hue = jitter.Hue > 0 ? (float)random.NextUniform(-jitter.Hue, jitter.Hue) : (float?)null;
        foreach (var adjustment in order)
        {
            switch (adjustment)
            {
                case 0 when brightness is { } factor:
                    ColorAdjustments.AdjustBrightness(chw, factor);
                    break;
                case 1 when contrast is { } factor:
                    ColorAdjustments.AdjustContrast(chw, channels, factor);
                    break;
                case 2 when saturation is { } factor:
                    ColorAdjustments.AdjustSaturation(chw, channels, factor);
                    break;
                case 3 when hue is { } shift:
                    ColorAdjustments.AdjustHue(chw, channels, shift);
                    break;
            }
        }
    }

    public static void Normalise(float[] chw, TransformRecipe recipe)
    {
        var plane = chw.Length / recipe.Channels;
        for (var channel = 0; channel < recipe.Channels; channel++)
        {
            var mean = recipe.Mean[channel];
            var inverseStd = 1f / recipe.Std[channel];
            foreach (ref var value in chw.AsSpan(channel * plane, plane))
            {
                value = (value - mean) * inverseStd;
            }
        }
    }

    private static float? Factor(double strength, ref SampleRandom random) =>
        strength > 0 ? (float)random.NextUniform(Math.Max(0, 1 - strength), 1 + strength) : null;

    private static void ReadWindow(PixelRows rows, CropRegion window, bool flip, int channels, int size, float[] output)
    {
        var plane = size * size;
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var column = window.Left + (flip ? size - 1 - x : x);
                var pixel = (window.Top + y) * rows.RowBytes + column * rows.PixelStride;
                output[y * size + x] = rows.Pixels[pixel + rows.RedOffset] / 255f;
                if (channels == 3)
                {
                    output[plane + y * size + x] = rows.Pixels[pixel + rows.GreenOffset] / 255f;
                    output[2 * plane + y * size + x] = rows.Pixels[pixel + rows.BlueOffset] / 255f;
                }
            }
        }
    }
}
