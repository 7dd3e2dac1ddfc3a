using Platform.Contracts.Datasets;
using Platform.Ingest.Health;

namespace Platform.Ingest.Tests;

/// <summary>The health analysis on embeddings and probabilities worked out by hand.</summary>
public sealed class HealthAnalysisTests
{
    [Fact]
    public void Confident_learning_thresholds_are_per_class_mean_probabilities_and_flag_confidently_other_images()
    {
        // Labels 0, 0, 1, 1: t0 = (0.9 + 0.3) / 2 = 0.6, t1 = (0.8 + 0.4) / 2 = 0.6. Image 1 (label 0) has p1 = 0.7 ≥ t1 and
        // p0 = 0.3 < t0: flagged as 1. Image 3 (label 1) has p0 = 0.6 ≥ t0 and p1 = 0.4 < t1: flagged as 0. Images 0 and 2 are not.
        float[] probabilities = [0.9f, 0.1f, 0.3f, 0.7f, 0.2f, 0.8f, 0.6f, 0.4f];
        int[] labels = [0, 0, 1, 1];

        var thresholds = ConfidentLearning.Thresholds(probabilities, labels, 2);
        var issues = ConfidentLearning.FindIssues(probabilities, labels, 2, thresholds);

        Assert.Equal(0.6f, thresholds[0], 5);
        Assert.Equal(0.6f, thresholds[1], 5);
        Assert.Equal([(1, 0, 1), (3, 1, 0)], issues.Select(i => (i.Index, i.Given, i.Suggested)));
    }

    [Fact]
    public void A_copy_of_a_copy_moves_with_its_group_into_the_earliest_split_and_report_only_reports()
    {
        // a (train), b ≈ a (test), c ≈ b (val), d far from all (test).
        var set = Set([1f, 0f, 0f], [0.99f, 0.14f, 0f], [0.97f, 0.24f, 0f], [0f, 0f, 1f]);
        int[] splits = [0, 2, 1, 2];

        var (pairs, moved) = HealthAnalysis.NearDuplicates(set, splits, 0.95, LeakagePolicy.Move);
        var (reported, unchanged) = HealthAnalysis.NearDuplicates(set, splits, 0.95, LeakagePolicy.Report);

        Assert.Equal([0, 0, 0, 2], moved);
        Assert.Contains(pairs, p => p is { Original: 0, Copy: 1, Leakage: true, Moved: true });
        Assert.DoesNotContain(pairs, p => p.Original == 3 || p.Copy == 3);
        Assert.Equal(splits, unchanged);
        Assert.All(reported, p => Assert.False(p.Moved));
        Assert.Equal(pairs.Count, reported.Count);
    }

    [Fact]
    public void An_image_far_from_every_class_centre_is_the_only_outlier()
    {
        var random = new Random(1);
        var rows = new List<float[]>();
        var labels = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            var label = i % 2;
            rows.Add([label == 0 ? 1f : 0f, label == 1 ? 1f : 0f, (float)random.NextDouble() * 0.1f, (float)random.NextDouble() * 0.1f]);
            labels.Add(label);
        }
        rows.Add([0f, 0f, 1f, 0f]);
        labels.Add(0);

        var outliers = OutlierFence.Find(Set([.. rows]), labels, 2, OutlierFence.DefaultFactor);

        Assert.Equal([20], outliers.Select(o => o.Index));
    }

    private static EmbeddingSet Set(params float[][] rows)
    {
        var values = rows.SelectMany(row =>
        {
            var copy = row.ToArray();
            VectorMath.Normalise(copy);
            return copy;
        }).ToArray();
        return new EmbeddingSet(values, rows[0].Length);
    }
}
