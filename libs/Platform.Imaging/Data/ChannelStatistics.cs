using Platform.Imaging.Formats;
using Platform.Imaging.Formats.Data;
using Platform.Imaging.Formats.Recipes;
using Platform.Imaging.Formats.Shards;
namespace Platform.Imaging.Data;

/// <summary>Per-channel mean and standard deviation of pixel values scaled to [0, 1] (for Normalize).</summary>
public sealed record ChannelStatistics(float[] Mean, float[] Std, long PixelsPerChannel)
{
    /// <summary>
    /// Exact population statistics over every pixel of the source's images (or the first <paramref name="maxSamples"/>),
    /// converted to <paramref name="channels"/> channels first. Sums are kept as integers, so the result is exact.
    /// </summary>
    public static ChannelStatistics Compute(ILabeledImageSource source, int channels, int? maxSamples = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Channels must be 1 or 3.");
        }

        var sums = new long[channels];
        var sumsOfSquares = new long[channels];
        long pixels = 0;
        var count = Math.Min(source.Count, maxSamples ?? int.MaxValue);
        for (var index = 0; index < count; index++)
        {
            var image = source.Load(index).WithChannels(channels);
            var values = image.Pixels;
            for (var i = 0; i < values.Length; i += channels)
            {
                for (var channel = 0; channel < channels; channel++)
                {
                    long value = values[i + channel];
                    sums[channel] += value;
                    sumsOfSquares[channel] += value * value;
                }
            }

            pixels += (long)image.Width * image.Height;
        }

        if (pixels == 0)
        {
            throw new InvalidOperationException("The source has no pixels to compute statistics over.");
        }

        var mean = new float[channels];
        var std = new float[channels];
        for (var channel = 0; channel < channels; channel++)
        {
            var average = (double)sums[channel] / pixels;
            var variance = Math.Max(0, (double)sumsOfSquares[channel] / pixels - average * average);
            mean[channel] = (float)(average / 255);
            std[channel] = (float)(Math.Sqrt(variance) / 255);
        }

        return new ChannelStatistics(mean, std, pixels);
    }
}
