namespace Platform.Contracts.Datasets;

/// <summary>
/// Two accepted images whose embeddings are closer than the near-duplicate threshold (a resized, recompressed or cropped copy).
/// The original is the one in the earlier split (train, then val, then test), else the earlier in the upload.
/// </summary>
/// <param name="OriginalSplit">The original's split, where a moved copy now is.</param>
/// <param name="CopySplit">The split the copy was drawn into, before any move.</param>
/// <param name="Leakage">The two were drawn into different splits.</param>
/// <param name="Moved">The copy was moved into <paramref name="OriginalSplit"/> (<c>leakage=move</c>).</param>
/// <param name="OriginalThumbnail">Key of the original's thumbnail (<c>GET …/thumbnails/{key}</c>); null past the thumbnail limit.</param>
public sealed record NearDuplicatePair(
    string Original,
    string Copy,
    string Label,
    string CopyLabel,
    string OriginalSplit,
    string CopySplit,
    double Similarity,
    bool Leakage,
    bool Moved,
    string? OriginalThumbnail,
    string? CopyThumbnail);
