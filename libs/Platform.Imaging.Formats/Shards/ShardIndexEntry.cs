namespace Platform.Imaging.Formats.Shards;

/// <summary>Where a record lives in its shard: byte offset of its header, total length, and label.</summary>
public readonly record struct ShardIndexEntry(long Offset, int Length, int Label);
