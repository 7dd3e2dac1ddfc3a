namespace Platform.Contracts;

/// <summary>
/// Event: a run finished and its model package is in blob storage. (ModelName, RunId) identifies the
/// version idempotently: the registry assigns one version per run, however often this arrives.
/// </summary>
public sealed record ModelTrained(
    Guid RunId,
    string ModelName,
    string PackageUri,
    string DatasetName,
    int DatasetVersion,
    IReadOnlyDictionary<string, double> Metrics,
    DateTimeOffset TrainedAt);
