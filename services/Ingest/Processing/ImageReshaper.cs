using Platform.Imaging;
using Platform.Imaging.Transforms;
using Platform.Imaging.Formats;
using Platform.Imaging.Formats.Recipes;

namespace Platform.Ingest.Processing;

/// <summary>
/// Resizing for the size policy, and augmented copies for oversampling through the same transform pipeline
/// training uses, with an identity normalisation so the result can be turned back into 8-bit pixels.
/// </summary>
public static class ImageReshaper
{
    /// <summary>Stretches to a <paramref name="size"/>×<paramref name="size"/> square.</summary>
    public static ImageBuffer ToSquare(ImageBuffer image, int size) =>
        image.Width == size && image.Height == size ? image : ImageResizer.Resize(image, size, size);

    /// <summary>
    /// An augmented copy for oversampling: random resized crop (scale 0.6–1), horizontal flip and mild colour
    /// jitter, as a square of the image's shorter side. Reproducible from (seed, copy).
    /// </summary>
    public static ImageBuffer AugmentedCopy(ImageBuffer image, int seed, int copy)
    {
        var side = Math.Min(image.Width, image.Height);
        var recipe = new TransformRecipe(side, image.Channels, Identity(image.Channels, 0f), Identity(image.Channels, 1f),
            RandomResizedCrop: new RandomResizedCropOptions(MinScale: 0.6),
            HorizontalFlipProbability: 0.5,
            ColorJitter: image.Channels == 3 ? new ColorJitterOptions(0.2, 0.2, 0.2, 0.02) : new ColorJitterOptions(0.2, 0.2));
        return Run(image, recipe, seed, copy);
    }

    private static ImageBuffer Run(ImageBuffer image, TransformRecipe recipe, int seed, int sampleIndex)
    {
        var pipeline = new TransformPipeline(recipe);
        var chw = new float[pipeline.OutputLength];
        pipeline.Apply(image, chw, seed, epoch: 0, sampleIndex);
        return FromChw(chw, pipeline.OutputChannels, pipeline.OutputHeight, pipeline.OutputWidth);
    }


    /// <summary>CHW floats on the [0, 1] scale back to interleaved 8-bit pixels.</summary>
    public static ImageBuffer FromChw(ReadOnlySpan<float> chw, int channels, int height, int width)
    {
        var pixels = new byte[channels * height * width];
        var plane = height * width;
        for (var c = 0; c < channels; c++)
        {
            var source = chw.Slice(c * plane, plane);
            for (var i = 0; i < plane; i++)
            {
                pixels[i * channels + c] = (byte)Math.Clamp(MathF.Round(source[i] * 255f), 0f, 255f);
            }
        }
        return new ImageBuffer(width, height, channels, pixels);
    }

    private static float[] Identity(int channels, float value) => Enumerable.Repeat(value, channels).ToArray();
}
