namespace Platform.Imaging.Formats.Shards;

/// <summary>The fixed part of a record as stored.</summary>
internal sealed record ShardRecordHeader(ShardImageEncoding Encoding, int Channels, int Label, int Width, int Height,
                                         int PayloadLength, int KeyLength, byte[] SourceSha256, byte[] PayloadSha256)
{
    public int RecordLength => ShardFormat.RecordHeaderLength + KeyLength + PayloadLength;
}
