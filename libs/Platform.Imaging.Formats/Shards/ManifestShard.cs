namespace Platform.Imaging.Formats.Shards;

/// <summary>One shard file of a split, as written by <see cref="ShardWriter"/>.</summary>
public sealed record ManifestShard(string Split, string Name, int Samples, long Bytes, string Sha256);
