using System.Buffers;

namespace Platform.Imaging.Transforms;

/// <summary>
/// Runs a <see cref="TransformRecipe"/>: one resample of the chosen source region (SkiaSharp), then flip, channel
/// conversion and scaling to floats in one pass, then colour jitter and normalisation over the planar output.
/// Thread-safe: one pipeline serves all loader workers; scratch memory comes from the shared array pool.
/// </summary>
public sealed class TransformPipeline
{
    private readonly float[][] _byteToNormalised;
    private readonly float[] _mean;
    private readonly float[] _inverseStd;
    private readonly bool _hasJitter;

    public TransformPipeline(TransformRecipe recipe)
    {
        Recipe = recipe.Validated();
        _mean = [.. recipe.Mean];
        _inverseStd = [.. recipe.Std.Select(s => 1f / s)];
        _hasJitter = recipe.ColorJitter is { } jitter && jitter != new ColorJitterOptions();
        _byteToNormalised = new float[recipe.Channels][];
        for (var channel = 0; channel < recipe.Channels; channel++)
        {
            var table = new float[256];
            for (var value = 0; value < 256; value++)
            {
                table[value] = _hasJitter ? value / 255f : (value / 255f - _mean[channel]) * _inverseStd[channel];
            }

            _byteToNormalised[channel] = table;
        }
    }

    public TransformRecipe Recipe { get; }

    public int OutputChannels => Recipe.Channels;

    public int OutputHeight => Recipe.Size;

    public int OutputWidth => Recipe.Size;

    /// <summary>Floats written per image: channels × height × width.</summary>
    public int OutputLength => OutputChannels * OutputHeight * OutputWidth;

    /// <summary>
    /// Writes the transformed image into <paramref name="destinationChw"/> (planar, <see cref="OutputLength"/> floats).
    /// Random choices come only from (seed, epoch, sampleIndex), so the same triple always gives the same output.
    /// </summary>
    public void Apply(ImageBuffer input, Span<float> destinationChw, int seed = 0, int epoch = 0, int sampleIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (destinationChw.Length < OutputLength)
        {
            throw new ArgumentException($"The destination holds {destinationChw.Length} floats; {OutputLength} are needed.", nameof(destinationChw));
        }

        var output = destinationChw[..OutputLength];
        var image = input.WithChannels(Recipe.Channels);
        var random = SampleRandom.ForSample(seed, epoch, sampleIndex);
        var size = Recipe.Size;

        CropRegion sourceRegion;
        int resampledWidth, resampledHeight;
        CropRegion outputWindow;
        if (Recipe.RandomResizedCrop is { } cropOptions)
        {
            sourceRegion = CropRegion.SampleRandomResized(image.Width, image.Height, cropOptions, ref random);
            (resampledWidth, resampledHeight) = (size, size);
            outputWindow = CropRegion.Whole(size, size);
        }
        else if (Recipe.ResizeShorterSide is { } shorterSide)
        {
            sourceRegion = CropRegion.Whole(image.Width, image.Height);
            (resampledWidth, resampledHeight) = CropRegion.ShorterSideSize(image.Width, image.Height, shorterSide);
            outputWindow = CropRegion.Center(resampledWidth, resampledHeight, size, size);
        }
        else
        {
            sourceRegion = CropRegion.Whole(image.Width, image.Height);
            (resampledWidth, resampledHeight) = (size, size);
            outputWindow = CropRegion.Whole(size, size);
        }

        var flip = Recipe.HorizontalFlipProbability > 0 && random.NextDouble() < Recipe.HorizontalFlipProbability;

        if (sourceRegion == CropRegion.Whole(image.Width, image.Height)
            && resampledWidth == image.Width && resampledHeight == image.Height)
        {
            // Already the right size (e.g. 28×28 MNIST): no resampling at all.
            WriteFloats(PixelRows.Of(image), outputWindow, flip, output);
        }
        else
        {
            var scratch = ArrayPool<byte>.Shared.Rent(Resampler.TargetLength(image, resampledWidth, resampledHeight));
            try
            {
                WriteFloats(Resampler.Resample(image, sourceRegion, resampledWidth, resampledHeight, scratch), outputWindow, flip, output);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }
        }

        if (_hasJitter)
        {
            ApplyJitter(output, ref random);
            Normalise(output);
        }
    }

    /// <summary>Reads the output window (mirrored when flipped) and writes each channel plane through its byte→float table.</summary>
    private unsafe void WriteFloats(PixelRows rows, CropRegion window, bool flip, Span<float> output)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The pixel layout assumes a little-endian machine.");
        }

        var size = Recipe.Size;
        var plane = size * size;
        var stride = rows.PixelStride;
        var step = flip ? -stride : stride;
        var firstColumn = flip ? (size - 1) * stride : 0;
        fixed (byte* pixels = rows.Pixels)
        fixed (float* target = output)
        fixed (float* redTable = _byteToNormalised[0])
        fixed (float* greenTable = _byteToNormalised[Recipe.Channels == 3 ? 1 : 0])
        fixed (float* blueTable = _byteToNormalised[^1])
        {
            for (var y = 0; y < size; y++)
            {
                var source = pixels + (window.Top + y) * rows.RowBytes + window.Left * stride + firstColumn;
                var red = target + y * size;
                if (Recipe.Channels == 1)
                {
                    for (var x = 0; x < size; x++, source += step)
                    {
                        red[x] = redTable[*source];
                    }

                    continue;
                }

                var green = red + plane;
                var blue = green + plane;
                for (var x = 0; x < size; x++, source += step)
                {
                    red[x] = redTable[source[rows.RedOffset]];
                    green[x] = greenTable[source[rows.GreenOffset]];
                    blue[x] = blueTable[source[rows.BlueOffset]];
                }
            }
        }
    }

    /// <summary>torchvision ColorJitter: a random order of the four adjustments, each with its own random factor.</summary>
    private void ApplyJitter(Span<float> output, ref SampleRandom random)
    {
        var jitter = Recipe.ColorJitter!;
        Span<int> order = [0, 1, 2, 3];
        random.Shuffle(order);
        var brightness = DrawFactor(jitter.Brightness, ref random);
        var contrast = DrawFactor(jitter.Contrast, ref random);
        var saturation = DrawFactor(jitter.Saturation, ref random);
        var hue = jitter.Hue > 0 ? (float)random.NextUniform(-jitter.Hue, jitter.Hue) : (float?)null;
        foreach (var adjustment in order)
        {
            switch (adjustment)
            {
                case 0 when brightness is { } factor:
                    ColorAdjustments.AdjustBrightness(output, factor);
                    break;
                case 1 when contrast is { } factor:
                    ColorAdjustments.AdjustContrast(output, Recipe.Channels, factor);
                    break;
                case 2 when saturation is { } factor:
                    ColorAdjustments.AdjustSaturation(output, Recipe.Channels, factor);
                    break;
                case 3 when hue is { } shift:
                    ColorAdjustments.AdjustHue(output, Recipe.Channels, shift);
                    break;
            }
        }
    }

    private static float? DrawFactor(double strength, ref SampleRandom random) =>
        strength > 0 ? (float)random.NextUniform(Math.Max(0, 1 - strength), 1 + strength) : null;

    private void Normalise(Span<float> output)
    {
        var plane = output.Length / Recipe.Channels;
        for (var channel = 0; channel < Recipe.Channels; channel++)
        {
            var mean = _mean[channel];
            var inverseStd = _inverseStd[channel];
            foreach (ref var value in output.Slice(channel * plane, plane))
            {
                value = (value - mean) * inverseStd;
            }
        }
    }
}
