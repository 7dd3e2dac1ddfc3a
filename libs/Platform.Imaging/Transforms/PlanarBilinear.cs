using System.Buffers;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Platform.Imaging.Formats;

namespace Platform.Imaging.Transforms;

/// <summary>
/// Bilinear resampling of a source region straight into planar float rows in [0, 1], with the output window, the
/// horizontal flip and the colour steps of a <see cref="ColorJitterPlan"/> folded in, so the image is read once and
/// each output value written once (twice when contrast needs the image's mean).
/// The filter is the one Skia's <see cref="SkiaSharp.SKFilterMode.Linear"/> applies without mipmaps, and torchvision's
/// bilinear resize without antialias: pixel centres at +0.5, source coordinate (x + 0.5) · scale − 0.5, taps clamped
/// to the region's edges. It differs from the Skia path only in that the resampled value is not rounded to 8 bits
/// (at most 0.5/255 apart, the rounding itself).
/// Each output row blends two source rows that were first resampled horizontally; consecutive output rows share
/// them, so an upscaled image resamples each source row once.
/// </summary>
internal static class PlanarBilinear
{
    /// <summary>
    /// Writes <paramref name="window"/> of the <paramref name="resampledWidth"/> × <paramref name="resampledHeight"/>
    /// resampled <paramref name="region"/> into <paramref name="chw"/> (channels × window height × window width), then
    /// runs <see cref="ColorJitterPlan.Before"/> on each finished row, adding to <paramref name="sums"/>.
    /// <paramref name="useAvx2"/> chooses gathers over the scalar loop; both give the same values.
    /// </summary>
    public static unsafe void Resample(ImageBuffer image, CropRegion region, int resampledWidth, int resampledHeight, CropRegion window,
        bool flip, Span<float> chw, in ColorJitterPlan plan, ReadOnlySpan<float> mean, ReadOnlySpan<float> inverseStd, ref ChannelSums sums,
        bool useAvx2)
    {
        var channels = image.Channels;
        var width = window.Width;
        var height = window.Height;
        var plane = width * height;
        if (chw.Length < channels * plane || region.Left < 0 || region.Top < 0
            || region.Left + region.Width > image.Width || region.Top + region.Height > image.Height)
        {
            throw new ArgumentException($"The region {region} or the output of {chw.Length} floats does not fit.");
        }

        useAvx2 &= Avx2.IsSupported;
        var rowFloats = region.Width * channels;
        var sourceRow = ArrayPool<float>.Shared.Rent(rowFloats);
        var resampledRows = ArrayPool<float>.Shared.Rent(2 * channels * width);
        var firstTap = ArrayPool<int>.Shared.Rent(width);
        var secondTap = ArrayPool<int>.Shared.Rent(width);
        var columnWeight = ArrayPool<float>.Shared.Rent(width);
        try
        {
            var scaleX = (double)region.Width / resampledWidth;
            for (var x = 0; x < width; x++)
            {
                // The flip mirrors the output window, so the taps are simply taken from the mirrored column.
                var column = window.Left + (flip ? width - 1 - x : x);
                (firstTap[x], secondTap[x], columnWeight[x]) = Taps(column, scaleX, region.Width);
                firstTap[x] *= channels;
                secondTap[x] *= channels;
            }

            var scaleY = (double)region.Height / resampledHeight;
            var upper = resampledRows.AsSpan(0, channels * width);
            var lower = resampledRows.AsSpan(channels * width, channels * width);
            int upperRow = -1, lowerRow = -1;
            fixed (byte* pixels = image.Pixels)
            fixed (float* source = sourceRow)
            fixed (int* first = firstTap, second = secondTap)
            fixed (float* weights = columnWeight)
            {
                var columns = new ColumnTaps(first, second, weights, width, channels);
                for (var y = 0; y < height; y++)
                {
                    var (top, bottom, weight) = Taps(window.Top + y, scaleY, region.Height);
                    if (top == lowerRow && top != upperRow)
                    {
                        var swapped = upper;
                        upper = lower;
                        lower = swapped;
                        (upperRow, lowerRow) = (lowerRow, upperRow);
                    }

                    if (upperRow != top)
                    {
                        ResampleRow(pixels + (region.Top + top) * image.RowBytes + region.Left * channels, rowFloats, source, columns, upper, useAvx2);
                        upperRow = top;
                    }

                    if (lowerRow != bottom && bottom != top)
                    {
                        ResampleRow(pixels + (region.Top + bottom) * image.RowBytes + region.Left * channels, rowFloats, source, columns, lower, useAvx2);
                        lowerRow = bottom;
                    }

                    var below = bottom == top ? upper : lower;
                    for (var channel = 0; channel < channels; channel++)
                    {
                        Blend(upper.Slice(channel * width, width), below.Slice(channel * width, width), weight,
                            chw.Slice(channel * plane + y * width, width));
                    }

                    plan.Before(chw, plane, y * width, width, mean, inverseStd, ref sums);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(columnWeight);
            ArrayPool<int>.Shared.Return(secondTap);
            ArrayPool<int>.Shared.Return(firstTap);
            ArrayPool<float>.Shared.Return(resampledRows);
            ArrayPool<float>.Shared.Return(sourceRow);
        }
    }

    /// <summary>The two source indices an output position reads and the weight of the second, edges clamped.</summary>
    internal static (int First, int Second, float Weight) Taps(int position, double scale, int sourceLength)
    {
        var coordinate = (position + 0.5) * scale - 0.5;
        var floor = Math.Floor(coordinate);
        var index = (int)floor;
        return (Math.Clamp(index, 0, sourceLength - 1), Math.Clamp(index + 1, 0, sourceLength - 1), (float)(coordinate - floor));
    }

    /// <summary>Converts one source row to floats in [0, 1], then resamples it horizontally into one row per channel.</summary>
    private static unsafe void ResampleRow(byte* pixels, int count, float* source, in ColumnTaps columns, Span<float> target, bool useAvx2)
    {
        var i = 0;
        if (useAvx2)
        {
            var scale = Vector256.Create(255f);
            for (; i <= count - Vector256<int>.Count; i += Vector256<int>.Count)
            {
                Avx.Store(source + i, Avx.Divide(Avx.ConvertToVector256Single(Avx2.ConvertToVector256Int32(pixels + i)), scale));
            }
        }

        for (; i < count; i++)
        {
            source[i] = pixels[i] / 255f;
        }

        var width = columns.Width;
        fixed (float* output = target)
        {
            for (var channel = 0; channel < columns.Channels; channel++)
            {
                var row = output + channel * width;
                var x = 0;
                if (useAvx2)
                {
                    for (; x <= width - Vector256<float>.Count; x += Vector256<float>.Count)
                    {
                        var left = Avx2.GatherVector256(source + channel, Avx.LoadVector256(columns.First + x), 4);
                        var right = Avx2.GatherVector256(source + channel, Avx.LoadVector256(columns.Second + x), 4);
                        // a + (b − a) · w, the same expression as the scalar loop below (no fused multiply-add).
                        Avx.Store(row + x, Avx.Add(left, Avx.Multiply(Avx.Subtract(right, left), Avx.LoadVector256(columns.Weight + x))));
                    }
                }

                for (; x < width; x++)
                {
                    var left = source[columns.First[x] + channel];
                    var right = source[columns.Second[x] + channel];
                    row[x] = left + (right - left) * columns.Weight[x];
                }
            }
        }
    }

    /// <summary>target = upper + (lower − upper) · weight.</summary>
    private static void Blend(ReadOnlySpan<float> upper, ReadOnlySpan<float> lower, float weight, Span<float> target)
    {
        var weightVector = new Vector<float>(weight);
        var x = 0;
        for (; x <= target.Length - Vector<float>.Count; x += Vector<float>.Count)
        {
            var top = new Vector<float>(upper[x..]);
            (top + (new Vector<float>(lower[x..]) - top) * weightVector).CopyTo(target[x..]);
        }

        for (; x < target.Length; x++)
        {
            target[x] = upper[x] + (lower[x] - upper[x]) * weight;
        }
    }

    /// <summary>Per output column: element offsets of the two source pixels in a converted row and the second one's weight.</summary>
    private readonly unsafe struct ColumnTaps(int* first, int* second, float* weight, int width, int channels)
    {
        public int* First { get; } = first;

        public int* Second { get; } = second;

        public float* Weight { get; } = weight;

        public int Width { get; } = width;

        public int Channels { get; } = channels;
    }
}
