using Platform.Imaging.Formats;

namespace Platform.Ingest.Sources;

/// <summary>An image that arrives decoded with its label, as in IDX files.</summary>
public sealed record DecodedImageItem(string Key, ImageBuffer Image, string Label) : SourceItem(Key);
