namespace Platform.Contracts.Datasets;

/// <summary>One version in <see cref="DatasetDetails"/>: its state and progress, without the report.</summary>
public sealed record DatasetVersionSummary(int Version, DatasetVersionState State, IngestProgress Progress, string? Error, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);
