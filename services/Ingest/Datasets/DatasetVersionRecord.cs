using System.Text.Json.Serialization;
using Platform.Imaging.Shards;
using Platform.Imaging.Formats.Shards;

namespace Platform.Ingest.Datasets;

[JsonConverter(typeof(JsonStringEnumConverter<DatasetVersionState>))]
public enum DatasetVersionState
{
    Receiving,
    Queued,
    Processing,
    Published,
    Failed,
}

/// <summary>
/// Everything known about one dataset version: what was asked, how far processing is, and once done the
/// report. Stored as <c>{name}/v{version}/version.json</c>; the manifest beside it appears only when complete.
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

/// <param name="Stage">receiving, reading, writing shards, publishing, done.</param>
/// <param name="Written">Images written to shards so far (oversampled copies included).</param>
/// <param name="ToWrite">Images the shards will hold, known once reading is done (0 before).</param>
public sealed record IngestProgress(string Stage, int FilesRead, int Accepted, int Rejected, int Written = 0, int ToWrite = 0)
{
    public static readonly IngestProgress None = new("receiving", 0, 0, 0);
}

/// <summary>A file (or an annotation row) that did not make it into the dataset, and why.</summary>
/// <param name="Reason">A stable code, e.g. <c>truncated</c>, <c>unsafe-path</c>, <c>label-conflict</c>.</param>
public sealed record RejectedFile(string Path, string Reason, string Detail);

/// <summary>Files with identical content: the first is kept, the others dropped.</summary>
public sealed record DuplicateGroup(string Kept, IReadOnlyList<string> Dropped, string Sha256);

/// <summary>Identical content under different labels: every copy is dropped, since none can be trusted.</summary>
public sealed record LabelConflict(string Sha256, IReadOnlyList<string> Paths, IReadOnlyList<string> Labels);

public sealed record BalancingReport(string Method, double TargetRatio, IReadOnlyDictionary<string, int> AddedPerClass);

public sealed record IngestReport(
    IReadOnlyList<string> Classes,
    IReadOnlyList<SplitSummary> Splits,
    int Channels,
    ImageSize? Size,
    float[] Mean,
    float[] Std,
    IReadOnlyList<DuplicateGroup> Duplicates,
    IReadOnlyList<LabelConflict> Conflicts,
    IReadOnlyList<RejectedFile> Rejected,
    IReadOnlyList<string> Warnings,
    BalancingReport? Balancing,
    string LabelSource);
