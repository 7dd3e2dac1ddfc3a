namespace Platform.Training.Configuration;

/// <summary>
/// Architectures for which pretrained backbone weights ship with the platform. The weights themselves arrive with
/// the pretrained-backbone work; until then the set is empty and every request for pretrained weights is rejected
/// at validation time instead of silently training from scratch.
/// </summary>
public static class PretrainedWeights
{
    private static readonly HashSet<string> WithWeights = new(StringComparer.Ordinal);

    public static IReadOnlyCollection<string> Architectures => WithWeights;

    public static bool Available(string architecture) => WithWeights.Contains(architecture);
}
