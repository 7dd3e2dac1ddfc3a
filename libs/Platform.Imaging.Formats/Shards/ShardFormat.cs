using System.Buffers.Binary;
using System.Text;

namespace Platform.Imaging.Formats.Shards;

/// <summary>Byte layout constants and header (de)serialisation shared by the writer and readers (see docs/shard-format.md).</summary>
internal static class ShardFormat
{
    public const ushort Version = 1;
    public const int FileHeaderLength = 16;
    public const int RecordHeaderLength = 88;
    public const int IndexHeaderLength = 4;
    public const int IndexEntryLength = 16;
    public const int TrailerLength = 24;
    public const byte RecordTag = (byte)'R';
    public const byte IndexTag = (byte)'I';
    public const int HashLength = 32;

    public static ReadOnlySpan<byte> FileMagic => "PLSHARD1"u8;

    public static ReadOnlySpan<byte> TrailerMagic => "PLSHEND1"u8;

    public static void WriteFileHeader(Span<byte> header)
    {
        header.Clear();
        FileMagic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], Version);
    }

    public static void ValidateFileHeader(ReadOnlySpan<byte> header, string shardName)
    {
        if (header.Length < FileHeaderLength || !header[..8].SequenceEqual(FileMagic))
        {
            throw new InvalidDataException($"{shardName} is not a shard file (missing PLSHARD1 magic).");
        }

        var version = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        if (version != Version)
        {
            throw new InvalidDataException($"{shardName} has shard format version {version}; this reader understands version {Version}.");
        }
    }

    public static void WriteRecordHeader(Span<byte> header, ShardRecordHeader record)
    {
        header.Clear();
        header[0] = RecordTag;
        header[1] = (byte)record.Encoding;
        header[2] = (byte)record.Channels;
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], record.Label);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], record.Width);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], record.Height);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], record.PayloadLength);
        BinaryPrimitives.WriteUInt16LittleEndian(header[20..], (ushort)record.KeyLength);
        record.SourceSha256.CopyTo(header[24..]);
        record.PayloadSha256.CopyTo(header[56..]);
    }

    /// <summary>Parses a record header that starts with the record tag.</summary>
    public static ShardRecordHeader ReadRecordHeader(ReadOnlySpan<byte> header, string shardName)
    {
        if (header[0] != RecordTag)
        {
            throw new InvalidDataException($"{shardName}: expected a record (tag 'R'), found byte 0x{header[0]:X2}.");
        }

        var encoding = (ShardImageEncoding)header[1];
        if (!Enum.IsDefined(encoding))
        {
            throw new InvalidDataException($"{shardName}: unknown payload encoding {header[1]}.");
        }

        var record = new ShardRecordHeader(
            encoding,
            header[2],
            BinaryPrimitives.ReadInt32LittleEndian(header[4..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[8..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[12..]),
            BinaryPrimitives.ReadInt32LittleEndian(header[16..]),
            BinaryPrimitives.ReadUInt16LittleEndian(header[20..]),
            header.Slice(24, HashLength).ToArray(),
            header.Slice(56, HashLength).ToArray());
        if (record.PayloadLength < 0 || record.Channels is not (1 or 3) || record.Width < 1 || record.Height < 1)
        {
            throw new InvalidDataException($"{shardName}: record header is damaged ({record.Width}x{record.Height}x{record.Channels}, {record.PayloadLength} bytes).");
        }

        return record;
    }

    public static void WriteTrailer(Span<byte> trailer, long indexOffset, int count)
    {
        trailer.Clear();
        BinaryPrimitives.WriteInt64LittleEndian(trailer, indexOffset);
        BinaryPrimitives.WriteInt32LittleEndian(trailer[8..], count);
        TrailerMagic.CopyTo(trailer[16..]);
    }

    public static (long IndexOffset, int Count) ReadTrailer(ReadOnlySpan<byte> trailer, string shardName)
    {
        if (!trailer[16..24].SequenceEqual(TrailerMagic))
        {
            throw new InvalidDataException($"{shardName} has no PLSHEND1 trailer: the file is truncated or was not completed.");
        }

        var indexOffset = BinaryPrimitives.ReadInt64LittleEndian(trailer);
        var count = BinaryPrimitives.ReadInt32LittleEndian(trailer[8..]);
        if (indexOffset < FileHeaderLength || count < 0)
        {
            throw new InvalidDataException($"{shardName}: trailer is damaged (index at {indexOffset}, {count} records).");
        }

        return (indexOffset, count);
    }

    public static void WriteIndexEntry(Span<byte> entry, ShardIndexEntry index)
    {
        BinaryPrimitives.WriteInt64LittleEndian(entry, index.Offset);
        BinaryPrimitives.WriteInt32LittleEndian(entry[8..], index.Length);
        BinaryPrimitives.WriteInt32LittleEndian(entry[12..], index.Label);
    }

    public static ShardIndexEntry ReadIndexEntry(ReadOnlySpan<byte> entry) =>
        new(BinaryPrimitives.ReadInt64LittleEndian(entry), BinaryPrimitives.ReadInt32LittleEndian(entry[8..]),
            BinaryPrimitives.ReadInt32LittleEndian(entry[12..]));

    public static string DecodeKey(ReadOnlySpan<byte> key) => Encoding.UTF8.GetString(key);
}
