namespace Platform.Contracts.Datasets;

/// <summary>
/// What the health check found: near-duplicate pairs (within and across splits: leakage), likely label errors, outliers, and
/// what was done about them. When it did not run, <see cref="Status"/> is skipped and <see cref="Reason"/> says why.
/// Thumbnails are keys for <c>GET /datasets/{name}/versions/{v}/thumbnails/{key}</c>.
/// </summary>
/// <param name="Images">Accepted images checked.</param>
/// <param name="Moved">Leaked copies moved into their original's split.</param>
/// <param name="Excluded">Images left out as likely label errors (<c>labelErrors=exclude</c>).</param>
/// <param name="Seconds">Time the check took (embedding included).</param>
public sealed record DatasetHealthReport(
    DatasetHealthStatus Status,
    string? Reason,
    DatasetHealthSettings Settings,
    EmbeddingModelInfo? Model,
    int Images,
    int Moved,
    int Excluded,
    IReadOnlyList<NearDuplicatePair> NearDuplicates,
    IReadOnlyList<LabelIssue> LabelIssues,
    IReadOnlyList<OutlierImage> Outliers,
    double Seconds)
{
    public int LeakagePairs => NearDuplicates.Count(pair => pair.Leakage);

    public static DatasetHealthReport Skipped(string reason, DatasetHealthSettings settings) =>
        new(DatasetHealthStatus.Skipped, reason, settings, null, 0, 0, 0, [], [], [], 0);
}
