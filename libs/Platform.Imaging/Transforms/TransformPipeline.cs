using System.Buffers;
using Platform.Imaging.Formats;
using Platform.Imaging.Formats.Recipes;

namespace Platform.Imaging.Transforms;

/// <summary>
/// Runs a <see cref="TransformRecipe"/>. Usually in one pass: <see cref="PlanarBilinear"/> resamples the chosen source
/// region straight into the planar float output (window, flip and scaling to [0, 1] folded in) and each finished row
/// goes through the colour jitter drawn for the sample and the normalisation (<see cref="ColorJitterPlan"/>); a second
/// pass follows only when contrast, which needs the whole image's mean, is drawn. Downscaling by more than
/// <see cref="Resampler.MipmapThreshold"/> resamples with Skia (mipmaps) instead, then runs the same plan over the
/// output. Thread-safe: one pipeline serves all loader workers; scratch memory comes from the shared array pool.
/// </summary>
public sealed class TransformPipeline
{
    /// <summary>value / 255 for every byte value.</summary>
    private static readonly float[] UnitTable = [.. Enumerable.Range(0, 256).Select(value => value / 255f)];

    private readonly float[] _mean;
    private readonly float[] _inverseStd;
    private readonly bool _hasJitter;

    public TransformPipeline(TransformRecipe recipe)
    {
        Recipe = recipe.Validated();
        _mean = [.. recipe.Mean];
        _inverseStd = [.. recipe.Std.Select(s => 1f / s)];
        _hasJitter = recipe.ColorJitter is { } jitter && jitter != new ColorJitterOptions();
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
        var jitter = _hasJitter ? ColorJitterPlan.Draw(Recipe.ColorJitter!, Recipe.Channels, ref random) : ColorJitterPlan.None(Recipe.Channels);

        var downscale = Math.Max((double)sourceRegion.Width / resampledWidth, (double)sourceRegion.Height / resampledHeight);
        if (downscale > Resampler.MipmapThreshold)
        {
            // Strong downscaling blends in mipmaps, which only Skia's resampler does.
            var scratch = ArrayPool<byte>.Shared.Rent(Resampler.TargetLength(image, resampledWidth, resampledHeight));
            try
            {
                WriteUnitFloats(Resampler.Resample(image, sourceRegion, resampledWidth, resampledHeight, scratch), outputWindow, flip, output);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }

            jitter.ApplyInPlace(output, _mean, _inverseStd);
            return;
        }

        var sums = new ChannelSums();
        PlanarBilinear.Resample(image, sourceRegion, resampledWidth, resampledHeight, outputWindow, flip, output, jitter, _mean, _inverseStd,
            ref sums, useAvx2: true);
        if (jitter.NeedsGrayMean)
        {
            var plane = OutputHeight * OutputWidth;
            jitter.After(output, plane, sums.GrayMean(Recipe.Channels, plane), _mean, _inverseStd);
        }
    }

    /// <summary>Reads the output window (mirrored when flipped) and writes each channel plane as value / 255.</summary>
    private unsafe void WriteUnitFloats(PixelRows rows, CropRegion window, bool flip, Span<float> output)
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
        fixed (float* table = UnitTable)
        {
            for (var y = 0; y < size; y++)
            {
                var source = pixels + (window.Top + y) * rows.RowBytes + window.Left * stride + firstColumn;
                var red = target + y * size;
                if (Recipe.Channels == 1)
                {
                    for (var x = 0; x < size; x++, source += step)
                    {
                        red[x] = table[*source];
                    }

                    continue;
                }

                var green = red + plane;
                var blue = green + plane;
                for (var x = 0; x < size; x++, source += step)
                {
                    red[x] = table[source[rows.RedOffset]];
                    green[x] = table[source[rows.GreenOffset]];
                    blue[x] = table[source[rows.BlueOffset]];
                }
            }
        }
    }
}
