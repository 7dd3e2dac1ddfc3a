using Platform.Training.Configuration;

namespace Platform.Training.Losses;

public static class LossFactory
{
    /// <summary>The loss <paramref name="options"/> describes; class counts are needed for weighted cross-entropy.</summary>
    public static ClassificationLoss Create(LossOptions options, IReadOnlyList<int> countPerClass)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Kind switch
        {
            LossKind.CrossEntropy => new CrossEntropyLoss(options.LabelSmoothing),
            LossKind.WeightedCrossEntropy => new CrossEntropyLoss(options.LabelSmoothing, ClassWeights.InverseFrequency(countPerClass)),
            LossKind.Focal => new FocalLoss(options.Gamma, options.Alpha ?? 1, options.ClassAlpha),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, "Unknown loss kind."),
        };
    }
}
