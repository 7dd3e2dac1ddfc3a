namespace Platform.Contracts.Datasets;

/// <summary>The answer of <c>GET /datasets/{name}</c>: every version of one dataset, oldest first.</summary>
public sealed record DatasetDetails(string Name, IReadOnlyList<DatasetVersionSummary> Versions);
