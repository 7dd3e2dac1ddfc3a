namespace Platform.Training.Losses;

/// <summary>Class weights for imbalanced data.</summary>
public static class ClassWeights
{
    /// <summary>
    /// Inverse-frequency ("balanced") weights, w_c = n / (K · n_c), as in scikit-learn's
    /// <c>compute_class_weight("balanced")</c>: a balanced set gets 1 everywhere, and every class contributes the
    /// same total weight. A class absent from the data gets weight 0 (it has no samples to weigh).
    /// </summary>
    public static double[] InverseFrequency(IReadOnlyList<int> countPerClass)
    {
        ArgumentNullException.ThrowIfNull(countPerClass);
        long total = countPerClass.Sum(c => (long)c);
        int classes = countPerClass.Count;
        return countPerClass.Select(count => count == 0 ? 0.0 : total / ((double)classes * count)).ToArray();
    }
}
