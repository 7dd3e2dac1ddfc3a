namespace Platform.Imaging.Formats.Shards;

/// <summary>An input file the dataset was built from, by its path inside the upload and its SHA-256.</summary>
public sealed record SourceFile(string Path, string Sha256);
