namespace Platform.Contracts.Datasets;

/// <summary>One of an image's nearest accepted images by embedding, shown beside it as evidence.</summary>
public sealed record ImageNeighbour(string Key, string Label, double Similarity, string? Thumbnail);
