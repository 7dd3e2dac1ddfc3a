namespace Platform.Imaging.Formats.Shards;

/// <summary>Samples of one split (train/val/test) in total and per class (indexed like <see cref="DatasetManifest.Classes"/>).</summary>
public sealed record SplitSummary(string Name, int Samples, int[] PerClass);
