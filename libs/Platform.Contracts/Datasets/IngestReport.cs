using Platform.Imaging.Formats.Shards;

namespace Platform.Contracts.Datasets;

/// <summary>The validation report of a finished ingest: classes, split counts, normalisation statistics and what was dropped.</summary>
/// <param name="Size">The common image size; null when sizes were kept and differ.</param>
/// <param name="LabelSource">Where labels came from: folders, an annotation file, IDX labels.</param>
/// <param name="ImbalanceRatio">Images of the largest train class per image of the smallest (1 = balanced), as published.</param>
/// <param name="Health">Near-duplicates, leakage, likely label errors and outliers; null for versions ingested before the check existed.</param>
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
    string LabelSource,
    double? ImbalanceRatio = null,
    DatasetHealthReport? Health = null);
