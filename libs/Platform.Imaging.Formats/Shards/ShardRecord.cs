using System.Security.Cryptography;

namespace Platform.Imaging.Formats.Shards;

/// <summary>One stored sample: label, an identifying key (e.g. the original path), hashes, and the image payload.</summary>
public sealed record ShardRecord(int Label, string Key, ShardImageEncoding Encoding, int Width, int Height, int Channels,
                                 byte[] SourceSha256, byte[] PayloadSha256, byte[] Payload)
{
    internal static void VerifyPayload(byte[] expectedSha256, ReadOnlySpan<byte> payload, string shardName, string key)
    {
        Span<byte> actual = stackalloc byte[ShardFormat.HashLength];
        SHA256.HashData(payload, actual);
        if (!actual.SequenceEqual(expectedSha256))
        {
            throw new InvalidDataException($"{shardName}: the payload of record '{key}' does not match its SHA-256 (corrupted).");
        }
    }
}
