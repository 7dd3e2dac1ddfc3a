namespace Platform.Contracts.Datasets;

/// <summary>A file (or an annotation row) that did not make it into the dataset, and why.</summary>
/// <param name="Reason">A stable code, e.g. <c>truncated</c>, <c>unsafe-path</c>, <c>label-conflict</c>.</param>
public sealed record RejectedFile(string Path, string Reason, string Detail);
