namespace Platform.Contracts;

/// <summary>
/// Event: a run finished and its model package is in blob storage. (ModelName, RunId) identifies the
/// version idempotently: the registry assigns one version per run, however often this arrives.
/// </summary>
/// <param name="MisclassifiedExamples">How many examples the run's misclassified gallery holds in its folder
/// (<see cref="StorageLayout.RunMisclassifiedIndex"/>); 0 when none was stored, null from trainers before the gallery.</param>
/// <param name="Parity">The export parity gate's figures (ONNX Runtime against TorchSharp on validation images); null from trainers before it was sent.</param>
public sealed record ModelTrained(
    Guid RunId,
    string ModelName,
    string PackageUri,
    string DatasetName,
    int DatasetVersion,
    IReadOnlyDictionary<string, double> Metrics,
    DateTimeOffset TrainedAt,
    ModelPackages.ModelPackageParity? Parity = null,
    int? MisclassifiedExamples = null);
