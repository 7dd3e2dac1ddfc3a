namespace Platform.Ingest.Sources;

/// <summary>A label an annotation file gives to an image path (already resolved inside the upload).</summary>
public sealed record Annotation(string ImagePath, string Label, string Origin);
