using Platform.Contracts.Datasets;

namespace Platform.Ingest.Health;

/// <summary>
/// The health check on embeddings, free of I/O: near-duplicate pairs and what leakage does to the splits, likely label errors by
/// confident learning on a k-fold linear probe, and outliers. Indices are those of the embedding set.
/// </summary>
public static class HealthAnalysis
{
    /// <summary>
    /// Default near-duplicate threshold on the cosine similarity of 128² ResNet-18 embeddings. On art4apps, resized (0.5–1.5×)
    /// and recompressed (JPEG quality 30–70) copies scored 0.944 or more against their originals and 90–95 % centre crops 0.925 or
    /// more, while distinct pictures stayed at or below 0.900 but for three pairs in which art4apps reuses one drawing
    /// (kimono/sash 0.950, mast/raft 0.948, bike/handlebar 0.922), which are rightly reported; docs/ingest.md.
    /// </summary>
    public const double DefaultDuplicateThreshold = 0.92;

    public const int DefaultProbeFolds = 5;

    public const int NeighbourCount = 3;

    public sealed record Pair(int Original, int Copy, float Similarity, bool Leakage, bool Moved);

    public sealed record Findings(
        List<Pair> Pairs,
        int[] Splits,
        List<ConfidentLearning.Issue> LabelIssues,
        float[] Thresholds,
        List<OutlierFence.Outlier> Outliers,
        bool[] Excluded);

    public static Findings Run(EmbeddingSet set, IReadOnlyList<int> labels, IReadOnlyList<int> splits, int classes,
        DatasetHealthSettings settings, int seed)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(splits);
        ArgumentNullException.ThrowIfNull(settings);
        var (pairs, finalSplits) = NearDuplicates(set, splits, settings.DuplicateThreshold, settings.Leakage);
        // Copies are compared on the model's own features; the probe and the class centres on features centred on the dataset's
        // mean, which separate classes better (the pooled features are all positive).
        var centred = set.Centred();

        var issues = new List<ConfidentLearning.Issue>();
        var thresholds = new float[classes];
        if (classes >= 2 && set.Count >= 2 * settings.ProbeFolds)
        {
            var probabilities = LinearProbe.OutOfFoldProbabilities(centred, labels, classes, settings.ProbeFolds, seed);
            thresholds = ConfidentLearning.Thresholds(probabilities, labels, classes);
            issues = ConfidentLearning.FindIssues(probabilities, labels, classes, thresholds);
        }
        var excluded = new bool[set.Count];
        if (settings.LabelErrors == LabelErrorPolicy.Exclude)
        {
            foreach (var issue in issues)
            {
                excluded[issue.Index] = true;
            }
        }
        var outliers = classes >= 1 ? OutlierFence.Find(centred, labels, classes, settings.OutlierFence) : [];
        return new Findings(pairs, finalSplits, issues, thresholds, outliers, excluded);
    }

    /// <summary>
    /// Pairs at or above the threshold. Pairs join images into groups (a copy of a copy is a copy); with <c>leakage=move</c> every
    /// member of a group spanning splits goes to the group's earliest split (train before val before test), so no copy of a
    /// training image is left to be tested on. A pair's original is its member in the earlier split, else the earlier image.
    /// </summary>
    public static (List<Pair> Pairs, int[] Splits) NearDuplicates(EmbeddingSet set, IReadOnlyList<int> splits, double threshold, LeakagePolicy leakage)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(splits);
        var similar = set.PairsAbove(threshold);
        var parent = Enumerable.Range(0, set.Count).ToArray();
        int Root(int i)
        {
            while (parent[i] != i)
            {
                i = parent[i] = parent[parent[i]];
            }
            return i;
        }
        foreach (var pair in similar)
        {
            var (a, b) = (Root(pair.First), Root(pair.Second));
            if (a != b)
            {
                parent[Math.Max(a, b)] = Math.Min(a, b);
            }
        }
        var earliest = new Dictionary<int, int>();
        foreach (var pair in similar)
        {
            foreach (var member in new[] { pair.First, pair.Second })
            {
                var root = Root(member);
                earliest[root] = Math.Min(earliest.GetValueOrDefault(root, int.MaxValue), splits[member]);
            }
        }
        var final = splits.ToArray();
        if (leakage == LeakagePolicy.Move)
        {
            foreach (var pair in similar)
            {
                foreach (var member in new[] { pair.First, pair.Second })
                {
                    final[member] = earliest[Root(member)];
                }
            }
        }
        var pairs = similar.Select(pair =>
        {
            var (original, copy) = splits[pair.Second] < splits[pair.First] ? (pair.Second, pair.First) : (pair.First, pair.Second);
            return new Pair(original, copy, pair.Similarity, splits[original] != splits[copy], final[copy] != splits[copy]);
        }).OrderByDescending(p => p.Leakage).ThenByDescending(p => p.Similarity).ThenBy(p => p.Original).ThenBy(p => p.Copy).ToList();
        return (pairs, final);
    }
}
