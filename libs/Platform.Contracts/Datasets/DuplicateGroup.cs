namespace Platform.Contracts.Datasets;

/// <summary>Files with identical content: the first is kept, the others dropped.</summary>
public sealed record DuplicateGroup(string Kept, IReadOnlyList<string> Dropped, string Sha256);
