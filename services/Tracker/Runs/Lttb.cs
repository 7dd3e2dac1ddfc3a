namespace Platform.Tracker.Runs;

/// <summary>
/// Largest-Triangle-Three-Buckets downsampling (Steinarsson, "Downsampling Time Series for Visual Representation",
/// 2013, §4.2): keeps the first and last points and, from each of <c>threshold - 2</c> equal buckets, the point that
/// forms the largest triangle with the point kept before it and the average of the next bucket. The shape of a curve
/// (peaks, dips) survives where plain striding would drop them.
/// </summary>
public static class Lttb
{
    /// <summary>Indices of the points to keep, ascending; all indices when there are no more than <paramref name="threshold"/> points.</summary>
    public static int[] Select(ReadOnlySpan<long> x, ReadOnlySpan<double> y, int threshold)
    {
        var count = x.Length;
        if (threshold >= count)
        {
            return Enumerable.Range(0, count).ToArray();
        }
        if (threshold < 3)
        {
            return threshold <= 1 ? [0] : [0, count - 1];
        }
        var kept = new int[threshold];
        var bucketSize = (double)(count - 2) / (threshold - 2);
        var previous = 0;
        kept[0] = 0;
        for (var bucket = 0; bucket < threshold - 2; bucket++)
        {
            // The next bucket's average is the third corner of the triangle (the last point for the last bucket).
            var nextStart = (int)Math.Floor((bucket + 1) * bucketSize) + 1;
            var nextEnd = Math.Min((int)Math.Floor((bucket + 2) * bucketSize) + 1, count);
            double averageX = 0, averageY = 0;
            for (var i = nextStart; i < nextEnd; i++)
            {
                averageX += x[i];
                averageY += y[i];
            }
            var nextCount = nextEnd - nextStart;
            if (nextCount == 0)
            {
                (averageX, averageY, nextCount) = (x[count - 1], y[count - 1], 1);
            }
            averageX /= nextCount;
            averageY /= nextCount;

            var start = (int)Math.Floor(bucket * bucketSize) + 1;
            var end = (int)Math.Floor((bucket + 1) * bucketSize) + 1;
            double ax = x[previous], ay = y[previous];
            var largest = -1.0;
            var chosen = start;
            for (var i = start; i < end; i++)
            {
                var area = Math.Abs((ax - averageX) * (y[i] - ay) - (ax - x[i]) * (averageY - ay));
                if (area > largest)
                {
                    largest = area;
                    chosen = i;
                }
            }
            kept[bucket + 1] = chosen;
            previous = chosen;
        }
        kept[threshold - 1] = count - 1;
        return kept;
    }
}
