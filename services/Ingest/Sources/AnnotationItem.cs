namespace Platform.Ingest.Sources;

/// <summary>A CSV, JSON or Pascal VOC XML file that labels images.</summary>
public sealed record AnnotationItem(string Key, byte[] Bytes) : SourceItem(Key);
