namespace Platform.Contracts.Datasets;

/// <summary>An image far from every class centre: its cosine distance to the nearest centre is past the outlier fence.</summary>
/// <param name="NearestClass">The class whose centre is nearest.</param>
/// <param name="Distance">1 − cosine similarity to that centre.</param>
public sealed record OutlierImage(string Key, string Split, string Label, string NearestClass, double Distance, string? Thumbnail,
    IReadOnlyList<ImageNeighbour> Neighbours);
