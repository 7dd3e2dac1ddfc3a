using Platform.Imaging;
using Platform.Imaging.Formats;

namespace Platform.Ingest.Sources;

/// <summary>One thing found in an upload, identified by its path inside it.</summary>
public abstract record SourceItem(string Key);

/// <summary>An encoded image file; <paramref name="FolderLabel"/> is its class folder when it sits in one.</summary>
public sealed record EncodedImageItem(string Key, byte[] Bytes, string? FolderLabel) : SourceItem(Key);

/// <summary>An image that arrives decoded with its label, as in IDX files.</summary>
public sealed record DecodedImageItem(string Key, ImageBuffer Image, string Label) : SourceItem(Key);

/// <summary>A CSV, JSON or Pascal VOC XML file that labels images.</summary>
public sealed record AnnotationItem(string Key, byte[] Bytes) : SourceItem(Key);

public sealed record RejectedItem(string Key, string Reason, string Detail) : SourceItem(Key);

/// <summary>
/// Where an ingest reads from. It is read twice: once to validate and label everything, once to write the
/// accepted samples, so that no more than one file is held in memory at a time.
/// </summary>
public interface IIngestSource : IDisposable
{
    string Description { get; }

    /// <summary>1 for sources that are grayscale by nature (IDX), else 3.</summary>
    int NaturalChannels { get; }

    IEnumerable<SourceItem> Read(CancellationToken cancellationToken);
}

/// <summary>The upload as a whole cannot be ingested (not an archive, an archive over its limits…).</summary>
public sealed class UploadRejectedException(string reason, string message) : Exception(message)
{
    public string Reason { get; } = reason;
}
