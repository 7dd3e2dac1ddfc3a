namespace Platform.Contracts.Datasets;

/// <summary>One entry of <c>GET /datasets</c>: a dataset with its latest version.</summary>
public sealed record DatasetSummary(string Name, int Versions, int LatestVersion, DatasetVersionState LatestState, int? LatestPublishedVersion);
