namespace Platform.Ingest.Processing;

/// <summary>
/// Splits each class separately into train/val/test with a seeded shuffle, so every split keeps the class
/// proportions. A class of at least three images gets at least one image in each split whose fraction is
/// above zero; smaller classes go to train alone (and the report warns).
/// </summary>
public static class StratifiedSplitter
{
    public const int Train = 0, Validation = 1, Test = 2;

    /// <param name="labels">Class index of each sample.</param>
    /// <param name="orderKeys">A stable key per sample, so the result does not depend on the order files arrived in.</param>
    /// <returns>The split (0 train, 1 val, 2 test) of each sample.</returns>
    public static int[] Assign(IReadOnlyList<int> labels, IReadOnlyList<string> orderKeys, double validationFraction, double testFraction, int seed)
    {
        var splits = new int[labels.Count];
        foreach (var group in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]))
        {
            var members = group.OrderBy(i => orderKeys[i], StringComparer.Ordinal).ToArray();
            new Random(unchecked(seed * 1_000_003 + group.Key)).Shuffle(members);
            var (validation, test) = Counts(members.Length, validationFraction, testFraction);
            for (var position = 0; position < members.Length; position++)
            {
                splits[members[position]] = position < validation ? Validation : position < validation + test ? Test : Train;
            }
        }
        return splits;
    }

    public static (int Validation, int Test) Counts(int count, double validationFraction, double testFraction)
    {
        if (count < 3)
        {
            return (0, 0);
        }
        var validation = validationFraction > 0 ? Math.Max(1, (int)Math.Round(count * validationFraction)) : 0;
        var test = testFraction > 0 ? Math.Max(1, (int)Math.Round(count * testFraction)) : 0;
        while (validation + test > count - 1)
        {
            if (validation >= test && validation > 0) { validation--; } else { test--; }
        }
        return (validation, test);
    }
}
