namespace Platform.Ingest.Health;

/// <summary>
/// Label issues by confident learning (C. Northcutt, L. Jiang, I. Chuang, "Confident Learning: Estimating Uncertainty in Dataset
/// Labels", JAIR 70, 2021, §3.1): each class j gets the threshold t_j, the mean out-of-fold probability of j over the images
/// labelled j. An image labelled i is counted in the confident joint at (i, j), where j is its most probable class among those
/// whose probability reaches their threshold; the off-diagonal entries (j ≠ i) are the label issues, less those whose most probable
/// class is still the given one (as cleanlab's <c>confident_learning</c> filter does).
/// </summary>
public static class ConfidentLearning
{
    /// <summary>One flagged image: the class the joint counts it under, with both classes' probabilities and thresholds.</summary>
    public readonly record struct Issue(int Index, int Given, int Suggested, float GivenProbability, float SuggestedProbability);

    /// <summary>The per-class thresholds t_j (NaN for a class no image is labelled with).</summary>
    public static float[] Thresholds(ReadOnlySpan<float> probabilities, IReadOnlyList<int> labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var sums = new double[classes];
        var counts = new int[classes];
        for (var i = 0; i < labels.Count; i++)
        {
            sums[labels[i]] += probabilities[i * classes + labels[i]];
            counts[labels[i]]++;
        }
        return Enumerable.Range(0, classes).Select(c => counts[c] > 0 ? (float)(sums[c] / counts[c]) : float.NaN).ToArray();
    }

    public static List<Issue> FindIssues(ReadOnlySpan<float> probabilities, IReadOnlyList<int> labels, int classes, float[] thresholds)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(thresholds);
        var issues = new List<Issue>();
        for (var i = 0; i < labels.Count; i++)
        {
            var row = probabilities.Slice(i * classes, classes);
            var confident = -1;
            var argmax = 0;
            for (var c = 0; c < classes; c++)
            {
                if (row[c] > row[argmax])
                {
                    argmax = c;
                }
                if (row[c] >= thresholds[c] && (confident < 0 || row[c] > row[confident]))
                {
                    confident = c;
                }
            }
            var given = labels[i];
            if (confident >= 0 && confident != given && argmax != given && row[given] < thresholds[given])
            {
                issues.Add(new Issue(i, given, confident, row[given], row[confident]));
            }
        }
        return issues;
    }
}
