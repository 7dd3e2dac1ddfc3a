namespace Platform.Ingest.Health;

/// <summary>
/// Images far from every class centre. A class centre is the normalised mean embedding of the images labelled with it; an image's
/// distance is 1 − its cosine similarity to the nearest centre; the fence is Tukey's "far out" rule on all distances,
/// Q3 + <see cref="DefaultFactor"/> × (Q3 − Q1), so it adapts to how spread the dataset's classes are.
/// </summary>
public static class OutlierFence
{
    public const double DefaultFactor = 3.0;

    public readonly record struct Outlier(int Index, int NearestClass, float Distance);

    public static List<Outlier> Find(EmbeddingSet set, IReadOnlyList<int> labels, int classes, double factor)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(labels);
        var d = set.Dimension;
        var centres = new float[classes * d];
        for (var i = 0; i < set.Count; i++)
        {
            VectorMath.AddScaled(centres.AsSpan(labels[i] * d, d), set[i], 1f);
        }
        for (var c = 0; c < classes; c++)
        {
            VectorMath.Normalise(centres.AsSpan(c * d, d));
        }
        var distances = new float[set.Count];
        var nearest = new int[set.Count];
        for (var i = 0; i < set.Count; i++)
        {
            var best = float.NegativeInfinity;
            for (var c = 0; c < classes; c++)
            {
                var similarity = VectorMath.Dot(set[i], centres.AsSpan(c * d, d));
                if (similarity > best)
                {
                    best = similarity;
                    nearest[i] = c;
                }
            }
            distances[i] = 1f - best;
        }
        if (set.Count < 4)
        {
            return [];
        }
        var sorted = distances.Order().ToArray();
        var q1 = Quantile(sorted, 0.25);
        var q3 = Quantile(sorted, 0.75);
        var fence = q3 + factor * (q3 - q1);
        return Enumerable.Range(0, set.Count).Where(i => distances[i] > fence)
            .Select(i => new Outlier(i, nearest[i], distances[i])).OrderByDescending(o => o.Distance).ToList();
    }

    private static double Quantile(float[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + (position - lower) * (sorted[upper] - sorted[lower]);
    }
}
