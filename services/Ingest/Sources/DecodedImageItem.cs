using Platform.Imaging.Formats;

namespace Platform.Ingest.Sources;

/// <summary>
/// An image that arrives decoded with its label, as in IDX files. <paramref name="PresetSplit"/> is the split the
/// source itself puts it in (CIFAR's test batch: <c>StratifiedSplitter.Test</c>); null leaves it to the splitter.
/// </summary>
public sealed record DecodedImageItem(string Key, ImageBuffer Image, string Label, int? PresetSplit = null) : SourceItem(Key);
