namespace Platform.Imaging.Formats.Shards;

/// <summary>
/// How ingest's health check shaped a version: whether it ran (or why not), the embedding model (name, SHA-256 of the file,
/// resolution) and the settings, so the same upload with the same settings and model gives the same version.
/// </summary>
/// <param name="Status">"ran" or "skipped".</param>
/// <param name="Settings">The settings as the wire writes them: mode, leakage, labelErrors, threshold, folds, outlier fence.</param>
public sealed record ManifestHealth(
    string Status,
    string? Reason,
    string? EmbeddingModel,
    string? EmbeddingModelSha256,
    int? EmbeddingResolution,
    IReadOnlyDictionary<string, string> Settings,
    int Moved,
    int Excluded);
