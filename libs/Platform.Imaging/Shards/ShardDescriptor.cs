namespace Platform.Imaging.Shards;

/// <summary>A finished shard: its name, sample count, size and the SHA-256 (lowercase hex) of the whole file.</summary>
public sealed record ShardDescriptor(string Name, int Samples, long Bytes, string Sha256);
