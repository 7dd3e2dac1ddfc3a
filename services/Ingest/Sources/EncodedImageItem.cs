namespace Platform.Ingest.Sources;

/// <summary>An encoded image file; <paramref name="FolderLabel"/> is its class folder when it sits in one.</summary>
public sealed record EncodedImageItem(string Key, byte[] Bytes, string? FolderLabel) : SourceItem(Key);
