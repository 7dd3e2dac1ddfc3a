using Platform.Imaging.Formats;

namespace Platform.Imaging.Data;

/// <summary>
/// Accumulates per-channel pixel sums image by image, as integers so the result is exact whatever the order: the one
/// implementation behind both a source's statistics and ingest's streaming pass over the images it writes.
/// </summary>
public sealed class ChannelStatisticsAccumulator
{
    private readonly int channels;
    private readonly long[] sums;
    private readonly long[] sumsOfSquares;
    private long pixels;

    public ChannelStatisticsAccumulator(int channels)
    {
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Channels must be 1 or 3.");
        }
        this.channels = channels;
        sums = new long[channels];
        sumsOfSquares = new long[channels];
    }

    /// <summary>Pixels seen per channel so far.</summary>
    public long Pixels => pixels;

    /// <summary>Adds an image that already has the accumulator's channel count.</summary>
    public void Add(ImageBuffer image)
    {
        if (image.Channels != channels)
        {
            throw new ArgumentException($"The image has {image.Channels} channels; the statistics are over {channels}.", nameof(image));
        }
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

    /// <summary>Population mean and standard deviation per channel on the [0, 1] scale.</summary>
    public ChannelStatistics Result()
    {
        if (pixels == 0)
        {
            throw new InvalidOperationException("No pixels were added to compute statistics over.");
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
