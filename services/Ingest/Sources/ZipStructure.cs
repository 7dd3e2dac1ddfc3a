using System.Buffers.Binary;

namespace Platform.Ingest.Sources;

/// <summary>
/// Reads a zip's central directory and every entry's local header itself, before any entry is used, and refuses an archive
/// that lies about its own layout: an entry whose local-header name differs from its central-directory name (a parser
/// differential: tools that read local headers would extract a different file), entries whose data overlap (overlapping-entry
/// zip bombs), or entries that point outside the file. <see cref="System.IO.Compression.ZipArchive"/> reads only the central
/// directory, so it would accept all three.
/// </summary>
public static class ZipStructure
{
    private const uint EndOfCentralDirectorySignature = 0x06054b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const uint CentralHeaderSignature = 0x02014b50;
    private const uint LocalHeaderSignature = 0x04034b50;
    private const ushort EncryptedFlag = 1;

    /// <summary>What the central directory says of one entry, in directory order.</summary>
    /// <param name="DataOffset">Where the entry's (compressed) data starts in the file, past its local header.</param>
    public sealed record Entry(string DisplayName, bool IsEncrypted, ushort Method, long CompressedSize, long UncompressedSize, long DataOffset);

    /// <summary>The entries in central-directory order; throws <see cref="UploadRejectedException"/> for a crafted or damaged layout.</summary>
    public static IReadOnlyList<Entry> Check(string file, int maxEntries)
    {
        using var stream = File.OpenRead(file);
        var (count, directoryOffset, directorySize) = FindCentralDirectory(stream);
        if (count > maxEntries)
        {
            throw new UploadRejectedException("too-many-entries", $"The archive lists {count} entries; the limit is {maxEntries} (Ingest:MaxArchiveEntries).");
        }
        if (directoryOffset + directorySize > stream.Length)
        {
            throw Corrupt("its central directory lies beyond the end of the file");
        }
        var directory = new byte[directorySize];
        stream.Position = directoryOffset;
        stream.ReadExactly(directory);

        var entries = new List<Entry>();
        var spans = new List<(long Start, long End, string Name)>();
        var position = 0;
        var localHeader = new byte[30];
        for (var index = 0; index < count; index++)
        {
            if (position + 46 > directory.Length || BinaryPrimitives.ReadUInt32LittleEndian(directory.AsSpan(position)) != CentralHeaderSignature)
            {
                throw Corrupt($"central-directory record {index} is damaged");
            }
            var record = directory.AsSpan(position);
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(record[8..]);
            var method = BinaryPrimitives.ReadUInt16LittleEndian(record[10..]);
            long compressed = BinaryPrimitives.ReadUInt32LittleEndian(record[20..]);
            long uncompressed = BinaryPrimitives.ReadUInt32LittleEndian(record[24..]);
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(record[28..]);
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(record[30..]);
            int commentLength = BinaryPrimitives.ReadUInt16LittleEndian(record[32..]);
            long localOffset = BinaryPrimitives.ReadUInt32LittleEndian(record[42..]);
            if (position + 46 + nameLength + extraLength + commentLength > directory.Length)
            {
                throw Corrupt($"central-directory record {index} runs past the directory");
            }
            var name = record.Slice(46, nameLength).ToArray();
            var displayName = ArchivePaths.ForDisplay(System.Text.Encoding.UTF8.GetString(name));
            ReadZip64Sizes(record.Slice(46 + nameLength, extraLength), ref uncompressed, ref compressed, ref localOffset);
            position += 46 + nameLength + extraLength + commentLength;

            if (localOffset < 0 || localOffset + 30 > directoryOffset)
            {
                throw Corrupt($"entry '{displayName}' points outside the archive's data");
            }
            stream.Position = localOffset;
            stream.ReadExactly(localHeader);
            if (BinaryPrimitives.ReadUInt32LittleEndian(localHeader) != LocalHeaderSignature)
            {
                throw Corrupt($"entry '{displayName}' has no local header where the directory says");
            }
            int localNameLength = BinaryPrimitives.ReadUInt16LittleEndian(localHeader.AsSpan(26));
            int localExtraLength = BinaryPrimitives.ReadUInt16LittleEndian(localHeader.AsSpan(28));
            var localName = new byte[localNameLength];
            stream.ReadExactly(localName);
            if (!localName.AsSpan().SequenceEqual(name))
            {
                throw new UploadRejectedException("zip-name-mismatch",
                    $"Entry '{displayName}' is named '{ArchivePaths.ForDisplay(System.Text.Encoding.UTF8.GetString(localName))}' in its local header: "
                    + "tools that read one or the other would extract different files, so the archive is refused.");
            }
            var dataOffset = localOffset + 30 + localNameLength + localExtraLength;
            var dataEnd = dataOffset + compressed;
            if (compressed < 0 || uncompressed < 0 || dataEnd > directoryOffset)
            {
                throw Corrupt($"entry '{displayName}' runs into the central directory");
            }
            spans.Add((localOffset, dataEnd, displayName));
            entries.Add(new Entry(displayName, (flags & EncryptedFlag) != 0, method, compressed, uncompressed, dataOffset));
        }

        spans.Sort((a, b) => a.Start.CompareTo(b.Start));
        for (var i = 1; i < spans.Count; i++)
        {
            if (spans[i].Start < spans[i - 1].End)
            {
                throw new UploadRejectedException("overlapping-entries",
                    $"Entries '{spans[i - 1].Name}' and '{spans[i].Name}' share bytes of the file (an overlapping-entry zip bomb); the archive is refused.");
            }
        }
        return entries;
    }

    private static (long Count, long Offset, long Size) FindCentralDirectory(FileStream stream)
    {
        // The end record is the last 22 bytes plus a comment of at most 65,535 bytes.
        var tailLength = (int)Math.Min(stream.Length, 22 + ushort.MaxValue);
        var tail = new byte[tailLength];
        stream.Position = stream.Length - tailLength;
        stream.ReadExactly(tail);
        for (var at = tailLength - 22; at >= 0; at--)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(at)) != EndOfCentralDirectorySignature)
            {
                continue;
            }
            var end = tail.AsSpan(at);
            long count = BinaryPrimitives.ReadUInt16LittleEndian(end[10..]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(end[12..]);
            long offset = BinaryPrimitives.ReadUInt32LittleEndian(end[16..]);
            if ((count == ushort.MaxValue || size == uint.MaxValue || offset == uint.MaxValue) && at >= 20
                && BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(at - 20)) == Zip64LocatorSignature)
            {
                var zip64End = BinaryPrimitives.ReadInt64LittleEndian(tail.AsSpan(at - 20 + 8));
                var record = new byte[56];
                if (zip64End < 0 || zip64End + record.Length > stream.Length)
                {
                    throw Corrupt("its ZIP64 end record lies outside the file");
                }
                stream.Position = zip64End;
                stream.ReadExactly(record);
                if (BinaryPrimitives.ReadUInt32LittleEndian(record) != Zip64EndSignature)
                {
                    throw Corrupt("its ZIP64 end record is damaged");
                }
                count = BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(32));
                size = BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(40));
                offset = BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(48));
            }
            if (count < 0 || size < 0 || offset < 0 || size > int.MaxValue)
            {
                throw Corrupt("its end record is damaged");
            }
            return (count, offset, size);
        }
        throw Corrupt("it has no end-of-central-directory record");
    }

    private static void ReadZip64Sizes(ReadOnlySpan<byte> extra, ref long uncompressed, ref long compressed, ref long localOffset)
    {
        while (extra.Length >= 4)
        {
            var id = BinaryPrimitives.ReadUInt16LittleEndian(extra);
            var length = BinaryPrimitives.ReadUInt16LittleEndian(extra[2..]);
            if (4 + length > extra.Length)
            {
                return;
            }
            if (id == 0x0001)
            {
                var field = extra.Slice(4, length);
                if (uncompressed == uint.MaxValue && field.Length >= 8)
                {
                    uncompressed = BinaryPrimitives.ReadInt64LittleEndian(field);
                    field = field[8..];
                }
                if (compressed == uint.MaxValue && field.Length >= 8)
                {
                    compressed = BinaryPrimitives.ReadInt64LittleEndian(field);
                    field = field[8..];
                }
                if (localOffset == uint.MaxValue && field.Length >= 8)
                {
                    localOffset = BinaryPrimitives.ReadInt64LittleEndian(field);
                }
                return;
            }
            extra = extra[(4 + length)..];
        }
    }

    private static UploadRejectedException Corrupt(string what) => new("corrupt-archive", $"The zip archive cannot be read: {what}.");
}
