using Platform.Training.Configuration.Architectures;

namespace Platform.Training.Configuration;

/// <summary>
/// Architectures for which pretrained backbone weights ship with the platform (see
/// <see cref="ArchitectureInfo.PretrainedWeights"/>); a request for pretrained weights anywhere else is rejected at
/// validation time instead of silently training from scratch.
/// </summary>
public static class PretrainedWeights
{
    public static IReadOnlyCollection<string> Architectures { get; } =
        ArchitectureCatalog.Architectures.Where(a => a.PretrainedWeights is not null).Select(a => a.Name).ToArray();

    public static bool Available(string architecture) => ArchitectureCatalog.HasPretrainedWeights(architecture);
}
