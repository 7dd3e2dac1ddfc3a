using Platform.Imaging.Formats.Shards;

namespace Platform.Imaging.Tests.Shards;

/// <summary>
/// Reads a shard front to back from any stream (network, blob download, file) without holding more than one record.
/// Each payload is checked against its SHA-256, and the closing index and trailer against the records read, so a
/// truncated or altered shard raises <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class ShardReader(Stream stream, string shardName = "shard", bool leaveOpen = false) : IDisposable
{
    private readonly Stream _stream = stream ?? throw new ArgumentNullException(nameof(stream));
    private bool _started;

    public IEnumerable<ShardRecord> ReadRecords()
    {
        if (_started)
        {
            throw new InvalidOperationException("A shard stream can be read once.");
        }

        _started = true;
        return Read();
    }

    public void Dispose()
    {
        if (!leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private IEnumerable<ShardRecord> Read()
    {
        var fileHeader = new byte[ShardFormat.FileHeaderLength];
        ReadExactly(fileHeader, "file header");
        ShardFormat.ValidateFileHeader(fileHeader, shardName);

        long position = ShardFormat.FileHeaderLength;
        var seen = new List<ShardIndexEntry>();
        var recordHeader = new byte[ShardFormat.RecordHeaderLength];
        while (true)
        {
            ReadExactly(recordHeader.AsSpan(0, 1), "record or index tag");
            if (recordHeader[0] == ShardFormat.IndexTag)
            {
                break;
            }

            ReadExactly(recordHeader.AsSpan(1), "record header");
            var header = ShardFormat.ReadRecordHeader(recordHeader, shardName);
            var key = new byte[header.KeyLength];
            ReadExactly(key, "record key");
            var payload = new byte[header.PayloadLength];
            ReadExactly(payload, "record payload");
            var keyText = ShardFormat.DecodeKey(key);
            ShardRecord.VerifyPayload(header.PayloadSha256, payload, shardName, keyText);

            seen.Add(new ShardIndexEntry(position, header.RecordLength, header.Label));
            position += header.RecordLength;
            yield return new ShardRecord(header.Label, keyText, header.Encoding, header.Width, header.Height, header.Channels,
                header.SourceSha256, header.PayloadSha256, payload);
        }

        VerifyIndex(position, seen);
    }

    private void VerifyIndex(long indexOffset, List<ShardIndexEntry> seen)
    {
        var rest = new byte[ShardFormat.IndexHeaderLength - 1 + seen.Count * ShardFormat.IndexEntryLength + ShardFormat.TrailerLength];
        ReadExactly(rest, "index and trailer");
        var entries = rest.AsSpan(ShardFormat.IndexHeaderLength - 1);
        for (var i = 0; i < seen.Count; i++)
        {
            if (ShardFormat.ReadIndexEntry(entries[(i * ShardFormat.IndexEntryLength)..]) != seen[i])
            {
                throw new InvalidDataException($"{shardName}: index entry {i} does not match the record stored there.");
            }
        }

        var (storedIndexOffset, count) = ShardFormat.ReadTrailer(rest.AsSpan(rest.Length - ShardFormat.TrailerLength), shardName);
        if (storedIndexOffset != indexOffset || count != seen.Count)
        {
            throw new InvalidDataException($"{shardName}: the trailer declares {count} records at {storedIndexOffset}; found {seen.Count} at {indexOffset}.");
        }

        if (_stream.ReadByte() != -1)
        {
            throw new InvalidDataException($"{shardName}: unexpected bytes after the trailer.");
        }
    }

    private void ReadExactly(Span<byte> buffer, string what)
    {
        try
        {
            _stream.ReadExactly(buffer);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException($"{shardName} ends inside the {what}: the shard is truncated.");
        }
    }
}
