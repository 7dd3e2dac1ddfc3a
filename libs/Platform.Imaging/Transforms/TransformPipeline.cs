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
/// output. When RandAugment or TrivialAugmentWide draws an operation, the region is resampled with Skia into 8-bit
/// pixels instead, the operations run on them (<see cref="AugmentOps"/>) and the plan follows; random erasing comes last,
/// on the normalised output. Thread-safe: one pipeline serves all loader workers; scratch memory comes from the shared
/// array pool.
/// </summary>
public sealed class TransformPipeline
{
    /// <summary>value / 255 for every byte value.</summary>
    private static readonly float[] UnitTable = [.. Enumerable.Range(0, 256).Select(value => value / 255f)];

    private readonly float[] _mean;
    private readonly float[] _inverseStd;
    private readonly bool _hasJitter;
    private readonly byte[] _randAugmentFill;
    private readonly byte[] _trivialAugmentFill;

    public TransformPipeline(TransformRecipe recipe)
    {
        Recipe = recipe.Validated();
        _mean = [.. recipe.Mean];
        _inverseStd = [.. recipe.Std.Select(s => 1f / s)];
        _hasJitter = recipe.ColorJitter is { } jitter && jitter != new ColorJitterOptions();
        // timm fills RandAugment's uncovered pixels with the normalisation mean's colour; torchvision's TrivialAugmentWide with black.
        _randAugmentFill = [.. recipe.Mean.Select(m => (byte)Math.Clamp(Math.Round(255.0 * m), 0, 255))];
        _trivialAugmentFill = new byte[recipe.Channels];
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
        Span<AugmentStep> steps = stackalloc AugmentStep[Recipe.RandAugment?.N ?? 1];
        var stepCount = DrawAugmentSteps(ref random, steps, out var fill);
        if (stepCount > 0)
        {
            ResampleAndAugment(image, sourceRegion, resampledWidth, resampledHeight, outputWindow, flip, steps[..stepCount], fill, jitter, output);
        }
        else
        {
            Resample(image, sourceRegion, resampledWidth, resampledHeight, outputWindow, flip, jitter, output);
        }

        if (Recipe.RandomErasing is { } erasing)
        {
            RandomErasing.Apply(output, OutputChannels, OutputHeight, OutputWidth, erasing, ref random);
        }
    }

    /// <summary>The RandAugment or TrivialAugmentWide operations drawn for this sample (identity left out) and their fill colour.</summary>
    private int DrawAugmentSteps(ref SampleRandom random, Span<AugmentStep> steps, out byte[] fill)
    {
        if (Recipe.RandAugment is { } randAugment)
        {
            fill = _randAugmentFill;
            return AugmentPolicy.DrawRandAugment(randAugment, Recipe.Size, ref random, steps);
        }

        fill = _trivialAugmentFill;
        if (!Recipe.TrivialAugmentWide)
        {
            return 0;
        }

        steps[0] = AugmentPolicy.DrawTrivialAugmentWide(ref random);
        return steps[0].Op == AugmentOp.Identity ? 0 : 1;
    }

    /// <summary>Resamples with Skia into 8-bit pixels (flip included), runs the operations on them, then the colour plan.</summary>
    private void ResampleAndAugment(ImageBuffer image, CropRegion sourceRegion, int resampledWidth, int resampledHeight, CropRegion outputWindow,
        bool flip, ReadOnlySpan<AugmentStep> steps, byte[] fill, in ColorJitterPlan jitter, Span<float> output)
    {
        var channels = Recipe.Channels;
        var size = Recipe.Size;
        var length = size * size * channels;
        var resampled = ArrayPool<byte>.Shared.Rent(Resampler.TargetLength(image, resampledWidth, resampledHeight));
        var pixels = ArrayPool<byte>.Shared.Rent(length);
        var scratch = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var rows = Resampler.Resample(image, sourceRegion, resampledWidth, resampledHeight, resampled);
            CopyWindow(rows, outputWindow, flip, pixels.AsSpan(0, length));
            foreach (var step in steps)
            {
                AugmentOps.ApplyInPlace(step, pixels.AsSpan(0, length), scratch.AsSpan(0, length), size, size, channels, fill);
            }

            var augmented = channels == 1
                ? new PixelRows(pixels, size, 1, 0, 0, 0)
                : new PixelRows(pixels, size * 3, 3, 0, 1, 2);
            WriteUnitFloats(augmented, CropRegion.Whole(size, size), flip: false, output);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
            ArrayPool<byte>.Shared.Return(pixels);
            ArrayPool<byte>.Shared.Return(resampled);
        }

        jitter.ApplyInPlace(output, _mean, _inverseStd);
    }

    /// <summary>The output window of resampled rows as interleaved RGB (or gray) bytes, mirrored when flipped.</summary>
    private void CopyWindow(PixelRows rows, CropRegion window, bool flip, Span<byte> target)
    {
        var size = Recipe.Size;
        var channels = Recipe.Channels;
        for (var y = 0; y < size; y++)
        {
            var rowStart = (window.Top + y) * rows.RowBytes;
            for (var x = 0; x < size; x++)
            {
                var source = rowStart + (window.Left + (flip ? size - 1 - x : x)) * rows.PixelStride;
                var offset = (y * size + x) * channels;
                target[offset] = rows.Pixels[source + rows.RedOffset];
                if (channels == 3)
                {
                    target[offset + 1] = rows.Pixels[source + rows.GreenOffset];
                    target[offset + 2] = rows.Pixels[source + rows.BlueOffset];
                }
            }
        }
    }

    /// <summary>The usual path: planar bilinear with the plan folded in, or Skia with mipmaps for strong downscaling.</summary>
    private void Resample(ImageBuffer image, CropRegion sourceRegion, int resampledWidth, int resampledHeight, CropRegion outputWindow,
        bool flip, in ColorJitterPlan jitter, Span<float> output)
    {
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
