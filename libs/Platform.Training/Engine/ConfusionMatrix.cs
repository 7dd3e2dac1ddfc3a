namespace Platform.Training.Engine;

/// <summary>Counts of (true class, predicted class) pairs and the metrics derived from them.</summary>
public sealed class ConfusionMatrix
{
    private readonly long[,] counts;

    public ConfusionMatrix(int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        Classes = classes;
        counts = new long[classes, classes];
    }

    public int Classes { get; }

    public long Total { get; private set; }

    public void Add(ReadOnlySpan<long> truth, ReadOnlySpan<long> predicted)
    {
        if (truth.Length != predicted.Length)
        {
            throw new ArgumentException("Truth and predictions differ in length.");
        }

        for (int i = 0; i < truth.Length; i++)
        {
            counts[truth[i], predicted[i]]++;
        }

        Total += truth.Length;
    }

    public long this[int truth, int predicted] => counts[truth, predicted];

    public double Accuracy => Total == 0 ? 0 : Enumerable.Range(0, Classes).Sum(c => counts[c, c]) / (double)Total;

    /// <summary>Per class: precision = TP/(TP+FP), recall = TP/(TP+FN), F1 = 2PR/(P+R); 0 where undefined.</summary>
    public IReadOnlyList<ClassMetrics> PerClass(IReadOnlyList<string> names)
    {
        var metrics = new ClassMetrics[Classes];
        for (int c = 0; c < Classes; c++)
        {
            long truePositives = counts[c, c];
            long predicted = Enumerable.Range(0, Classes).Sum(t => counts[t, c]);
            long actual = Enumerable.Range(0, Classes).Sum(p => counts[c, p]);
            double precision = predicted == 0 ? 0 : truePositives / (double)predicted;
            double recall = actual == 0 ? 0 : truePositives / (double)actual;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            metrics[c] = new ClassMetrics(names[c], (int)actual, precision, recall, f1);
        }

        return metrics;
    }

    public long[][] ToArray() =>
        Enumerable.Range(0, Classes).Select(t => Enumerable.Range(0, Classes).Select(p => counts[t, p]).ToArray()).ToArray();
}
