namespace Platform.Contracts.Datasets;

/// <summary>Identical content under different labels: every copy is dropped, since none can be trusted.</summary>
public sealed record LabelConflict(string Sha256, IReadOnlyList<string> Paths, IReadOnlyList<string> Labels);
