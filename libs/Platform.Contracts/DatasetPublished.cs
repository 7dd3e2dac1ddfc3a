namespace Platform.Contracts;

/// <summary>
/// Event: a dataset version is complete and immutable; its manifest is at <paramref name="ManifestUri"/>.
/// (Name, Version) identifies it; consumers ignore a version they already know.
/// </summary>
public sealed record DatasetPublished(
    string Name,
    int Version,
    string ManifestUri,
    IReadOnlyList<string> Classes,
    int TrainCount,
    int ValidationCount,
    int TestCount,
    DateTimeOffset PublishedAt);
