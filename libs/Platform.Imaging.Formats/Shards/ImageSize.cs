namespace Platform.Imaging.Formats.Shards;

/// <summary>Fixed image size of every sample, when the ingest normalised sizes.</summary>
public sealed record ImageSize(int Width, int Height);
