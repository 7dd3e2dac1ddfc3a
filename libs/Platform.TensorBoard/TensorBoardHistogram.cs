namespace Platform.TensorBoard;

/// <summary>
/// A histogram as TensorBoard's <c>HistogramProto</c> holds it: count, sum and sum of squares of the values, their
/// range, and buckets given by their right edges (<paramref name="BucketLimits"/>, increasing; the first bucket starts
/// at <paramref name="Min"/>) with the number of values in each (<paramref name="BucketCounts"/>).
/// </summary>
public sealed record TensorBoardHistogram(double Min, double Max, double Count, double Sum, double SumSquares,
    IReadOnlyList<double> BucketLimits, IReadOnlyList<double> BucketCounts)
{
    /// <summary>Buckets per histogram: TensorBoard draws about 30 bins, so more would be merged away.</summary>
    public const int DefaultBuckets = 30;

    /// <summary>Equal-width buckets' right edges over [<paramref name="min"/>, <paramref name="max"/>]; one bucket when the range is empty.</summary>
    public static double[] EqualWidthLimits(double min, double max, int buckets)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(buckets);
        if (!(max > min))
        {
            return [max];
        }

        var limits = new double[buckets];
        for (int i = 0; i < buckets; i++)
        {
            limits[i] = min + (max - min) * (i + 1) / buckets;
        }

        limits[^1] = max;
        return limits;
    }

    /// <summary>The histogram of <paramref name="values"/>' finite values in <paramref name="buckets"/> equal-width buckets; null when there are none.</summary>
    public static TensorBoardHistogram? Of(ReadOnlySpan<float> values, int buckets = DefaultBuckets)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, sumSquares = 0;
        long count = 0;
        foreach (var value in values)
        {
            if (!float.IsFinite(value))
            {
                continue;
            }

            count++;
            min = Math.Min(min, value);
            max = Math.Max(max, value);
            sum += value;
            sumSquares += (double)value * value;
        }

        if (count == 0)
        {
            return null;
        }

        var limits = EqualWidthLimits(min, max, buckets);
        var counts = new double[limits.Length];
        foreach (var value in values)
        {
            if (float.IsFinite(value))
            {
                counts[limits.Length == 1 ? 0 : Math.Min((int)((value - min) / (max - min) * limits.Length), limits.Length - 1)]++;
            }
        }

        return new TensorBoardHistogram(min, max, count, sum, sumSquares, limits, counts);
    }
}
