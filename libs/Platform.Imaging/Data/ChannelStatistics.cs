using Platform.Imaging.Formats.Data;
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
        var accumulator = new ChannelStatisticsAccumulator(channels);
        var count = Math.Min(source.Count, maxSamples ?? int.MaxValue);
        for (var index = 0; index < count; index++)
        {
            accumulator.Add(source.Load(index).WithChannels(channels));
        }

        return accumulator.Pixels > 0
            ? accumulator.Result()
            : throw new InvalidOperationException("The source has no pixels to compute statistics over.");
    }
}
