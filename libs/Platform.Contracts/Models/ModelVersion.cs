namespace Platform.Contracts.Models;

/// <summary>A registered model version: the run that produced it, the dataset version it learned from, and its package.</summary>
/// <param name="Metrics">The run's final metrics by name (<c>accuracy</c>, <c>macro_f1</c>, …).</param>
/// <param name="Aliases">The aliases pointing at this version, in order.</param>
/// <param name="Parity">The export parity gate's figures the trainer sent with <see cref="ModelTrained"/>; null when it sent none.</param>
public sealed record ModelVersion(
    string ModelName,
    int Version,
    Guid RunId,
    string PackageUri,
    string DatasetName,
    int DatasetVersion,
    IReadOnlyDictionary<string, double> Metrics,
    DateTimeOffset TrainedAt,
    IReadOnlyList<string> Aliases,
    ModelPackages.ModelPackageParity? Parity = null);
