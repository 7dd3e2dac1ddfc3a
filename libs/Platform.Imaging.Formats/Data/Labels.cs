namespace Platform.Imaging.Formats.Data;

/// <summary>Label helpers shared by the samplers and statistics.</summary>
public static class Labels
{
    /// <summary>All labels of a source, in index order (no decoding).</summary>
    public static int[] Of(ILabeledImageSource source)
    {
        var labels = new int[source.Count];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = source.GetLabel(i);
        }

        return labels;
    }

    public static int[] CountPerClass(IReadOnlyList<int> labels, int classCount)
    {
        var counts = new int[classCount];
        foreach (var label in labels)
        {
            if ((uint)label >= (uint)classCount)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), label, $"Labels must lie in [0, {classCount}).");
            }

            counts[label]++;
        }

        return counts;
    }

    /// <summary>Sample indices grouped by class; classes without samples get empty arrays.</summary>
    public static int[][] IndicesPerClass(IReadOnlyList<int> labels, int classCount)
    {
        var groups = Enumerable.Range(0, classCount).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < labels.Count; i++)
        {
            groups[labels[i]].Add(i);
        }

        return [.. groups.Select(group => group.ToArray())];
    }
}
