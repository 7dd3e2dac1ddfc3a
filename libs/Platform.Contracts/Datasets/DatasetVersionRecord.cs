namespace Platform.Contracts.Datasets;

/// <summary>
/// Everything known about one dataset version: what was asked, how far processing is, and once done the report.
/// Ingest stores it as <c>{name}/v{version}/version.json</c> (the manifest beside it appears only when complete) and
/// answers it from <c>POST /datasets</c> and <c>GET /datasets/{name}/versions/{version}</c>.
/// </summary>
public sealed record DatasetVersionRecord(
    string Name,
    int Version,
    DatasetVersionState State,
    IngestSettings Settings,
    string? SourceDescription,
    IngestProgress Progress,
    IngestReport? Report,
    string? Error,
    string? ManifestUri,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? HeartbeatAt);
