using System.Formats.Tar;
using System.IO.Compression;
using Platform.Ingest.Datasets;

namespace Platform.Ingest.Sources;

/// <summary>
/// The one walk over a zip, tar or tar.gz upload's entries and its safety policy, shared by every archive source. A zip's layout
/// is checked from the file's own bytes first (<see cref="ZipStructure"/>), so a crafted one is refused whole; an archive over its
/// entry-count, total-size or expansion-ratio limits, or with an absolute or '..' name, is refused whole; links, special entries,
/// encrypted, unreadably compressed or over-compressed entries are refused one by one. Nothing is extracted to disk.
/// </summary>
/// <param name="maxEntryBytes">The largest entry the caller reads: a zip entry whose compressed data is larger is refused rather than read into memory.</param>
/// <param name="classify">The caller's own refusal of an entry by its path and declared length, applied before its content is read.</param>
/// <param name="openClassArchives">Whether a tar's top-level <c>.tar</c> entries are read one level deep as class folders
/// (ImageNet's training archive holds one tar per class).</param>
internal sealed class ArchiveEntryReader(string file, ArchiveKind kind, IngestOptions limits, long maxEntryBytes,
    Func<string, long, RejectedItem?>? classify = null, bool openClassArchives = false)
{
    private const ushort StoredMethod = 0, DeflateMethod = 8, Deflate64Method = 9, AesCompressionMethod = 99;

    public IEnumerable<ArchiveEntry> Read(CancellationToken cancellationToken) => kind switch
    {
        ArchiveKind.Zip => ReadZip(cancellationToken),
        _ => ReadTar(cancellationToken),
    };

    private IEnumerable<ArchiveEntry> ReadZip(CancellationToken cancellationToken)
    {
        var layout = ZipStructure.Check(file, limits.MaxArchiveEntries);
        using var archive = OpenZip();
        if (archive.Entries.Count != layout.Count)
        {
            throw new UploadRejectedException("corrupt-archive",
                $"The zip archive cannot be read: its directory lists {layout.Count} entries but {archive.Entries.Count} can be opened.");
        }
        var budget = new ExpansionBudget(limits);
        using var data = File.OpenRead(file);
        for (var index = 0; index < archive.Entries.Count; index++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entry = archive.Entries[index];
            var declared = layout[index];
            if (entry.FullName.EndsWith('/'))
            {
                continue;
            }
            var path = SafePath(entry.FullName);
            if (Refusal(entry, declared, path) is { } rejection)
            {
                yield return ArchiveEntry.Rejected(rejection);
                continue;
            }
            var readable = ArchiveEntry.Readable(path, declared.Method == Deflate64Method ? entry.Length : declared.UncompressedSize,
                () => OpenZipEntry(entry, declared, data), budget.Consume, ownsContent: true);
            try
            {
                yield return readable;
            }
            finally
            {
                readable.Close();
            }
        }
    }

    private RejectedItem? Refusal(ZipArchiveEntry entry, ZipStructure.Entry declared, string path)
    {
        const int unixFileTypeMask = 0xF000, unixSymlink = 0xA000;
        if (((entry.ExternalAttributes >> 16) & unixFileTypeMask) == unixSymlink)
        {
            return new RejectedItem(path, "link", "symbolic links are not followed");
        }
        if (declared.IsEncrypted)
        {
            return new RejectedItem(path, "encrypted",
                declared.Method == AesCompressionMethod ? "AES-encrypted entries cannot be read; add the file unencrypted"
                                                        : "password-protected (ZipCrypto) entries cannot be read; add the file unencrypted");
        }
        if (declared.Method is not (StoredMethod or DeflateMethod or Deflate64Method))
        {
            return new RejectedItem(path, "unsupported-compression",
                $"compression method {declared.Method} cannot be read; use deflate (the default of every zip tool) or store");
        }
        if (entry.Length > 1024 * 1024 && entry.CompressedLength > 0 && (double)entry.Length / entry.CompressedLength > limits.MaxCompressionRatio)
        {
            return new RejectedItem(path, "compression-ratio",
                $"expands {entry.Length / (double)entry.CompressedLength:F0}× (limit {limits.MaxCompressionRatio:F0}×): a likely zip bomb");
        }
        if (classify?.Invoke(path, entry.Length) is { } rejection)
        {
            return rejection;
        }
        return declared.Method != Deflate64Method && declared.CompressedSize > maxEntryBytes + 1024 * 1024
            ? new RejectedItem(path, "too-large", $"{declared.CompressedSize} compressed bytes")
            : null;
    }

    /// <summary>
    /// Stored and deflated entries (nearly every zip) are expanded from the bytes the checked layout points at, not through
    /// <see cref="ZipArchiveEntry.Open"/>: that stream stops silently at the size the directory declares, so an entry crafted to
    /// expand further (past every size limit, which were checked against the declaration) would go unnoticed. Deflate64 is left to
    /// the framework, which alone can expand it.
    /// </summary>
    private static Stream OpenZipEntry(ZipArchiveEntry entry, ZipStructure.Entry declared, FileStream data)
    {
        if (declared.Method == Deflate64Method)
        {
            return entry.Open();
        }
        var compressed = new byte[declared.CompressedSize];
        data.Position = declared.DataOffset;
        data.ReadExactly(compressed);
        return declared.Method == StoredMethod
            ? new MemoryStream(compressed, writable: false)
            : new DeflateStream(new MemoryStream(compressed, writable: false), CompressionMode.Decompress);
    }

    private ZipArchive OpenZip()
    {
        try
        {
            return ZipFile.OpenRead(file);
        }
        catch (InvalidDataException)
        {
            throw new UploadRejectedException("corrupt-archive", "The zip archive cannot be read: its central directory is damaged.");
        }
    }

    private IEnumerable<ArchiveEntry> ReadTar(CancellationToken cancellationToken)
    {
        using var fileStream = File.OpenRead(file);
        var compressed = new CountingStream(fileStream);
        using var decompressed = kind == ArchiveKind.TarGzip ? new GZipStream(compressed, CompressionMode.Decompress) : (Stream)compressed;
        using var reader = new TarReader(decompressed);
        var budget = new ExpansionBudget(limits, kind == ArchiveKind.TarGzip ? compressed : null);
        var count = new EntryCounter();
        foreach (var entry in ReadTarEntries(reader, container: null, count, budget, cancellationToken))
        {
            yield return entry;
        }
    }

    /// <summary>
    /// The entries of a tar, or of a class tar inside it (<paramref name="container"/>: the ILSVRC training layout, one
    /// tar per class). Nested entries are named <c>{class}/{entry}</c>, so the inner tar's name is their class folder;
    /// they count against the same entry, size and ratio limits as the rest, and anything nested deeper is rejected.
    /// </summary>
    private IEnumerable<ArchiveEntry> ReadTarEntries(TarReader reader, string? container, EntryCounter count, ExpansionBudget budget,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (entry, damage) = NextEntry(reader);
            if (damage is not null)
            {
                if (container is null)
                {
                    throw new UploadRejectedException("corrupt-archive", $"The tar archive is damaged after {count.Value} entries: {damage}");
                }
                yield return ArchiveEntry.Rejected(new RejectedItem(container, "corrupt-archive",
                    $"the class archive is damaged: {damage}; the entries before the damage are kept"));
                yield break;
            }
            if (entry is null)
            {
                yield break;
            }
            if (++count.Value > limits.MaxArchiveEntries)
            {
                throw new UploadRejectedException("too-many-entries",
                    $"The archive lists {count.Value}+ entries; the limit is {limits.MaxArchiveEntries} (Ingest:MaxArchiveEntries).");
            }
            var name = SafePath(entry.Name, container);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                case TarEntryType.GlobalExtendedAttributes:
                case TarEntryType.ExtendedAttributes:
                    continue;
                case TarEntryType.SymbolicLink:
                case TarEntryType.HardLink:
                    yield return ArchiveEntry.Rejected(new RejectedItem(name, "link",
                        $"{entry.EntryType} to '{ArchivePaths.ForDisplay(entry.LinkName)}' is not followed"));
                    continue;
                case TarEntryType.RegularFile:
                case TarEntryType.V7RegularFile:
                case TarEntryType.ContiguousFile:
                    break;
                default:
                    yield return ArchiveEntry.Rejected(new RejectedItem(name, "not-a-regular-file", $"tar entry of type {entry.EntryType}"));
                    continue;
            }
            if (openClassArchives && container is null && ClassArchiveFolder(entry.Name) is { } classFolder)
            {
                using var inner = new TarReader(entry.DataStream ?? Stream.Null, leaveOpen: true);
                foreach (var item in ReadTarEntries(inner, classFolder, count, budget, cancellationToken))
                {
                    yield return item;
                }
                continue;
            }
            if (classify?.Invoke(name, entry.Length) is { } rejection)
            {
                yield return ArchiveEntry.Rejected(rejection);
                continue;
            }
            // The tar reader owns the entry's data stream and skips what is left of it when the next entry is asked for.
            var readable = ArchiveEntry.Readable(name, entry.Length, () => entry.DataStream ?? Stream.Null, budget.Consume, ownsContent: false);
            try
            {
                yield return readable;
            }
            finally
            {
                readable.Close();
            }
        }
    }

    private static (TarEntry? Entry, string? Damage) NextEntry(TarReader reader)
    {
        try
        {
            return (reader.GetNextEntry(), null);
        }
        catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException or FormatException)
        {
            // The exception's text is not passed on: it can name the server's copy of the upload.
            return (null, exception is EndOfStreamException ? "it ends inside an entry" : "an entry header is invalid");
        }
    }

    /// <summary>For a safe <c>…/n01440764.tar</c> at the top level: the folder its entries are read into (<c>…/n01440764</c>).</summary>
    private static string? ClassArchiveFolder(string rawPath) =>
        ArchivePaths.Normalize(rawPath) is { } path && !ArchivePaths.IsMetadata(path) && path.EndsWith(".tar", StringComparison.OrdinalIgnoreCase) && path.Length > 4
            ? path[..^4]
            : null;

    /// <summary>
    /// The entry's normalised path (inside its class tar's folder, for a nested one). An absolute name or one with '..' is no file
    /// a user's folder can hold: it is written to escape wherever the archive is extracted (zip slip), so the whole upload is
    /// refused, naming the entry.
    /// </summary>
    private static string SafePath(string rawPath, string? container = null) =>
        ArchivePaths.Normalize(rawPath) is { } path
            ? container is null ? path : $"{container}/{path}"
            : throw new UploadRejectedException("unsafe-path",
                $"Entry '{ArchivePaths.ForDisplay(container is null ? rawPath : $"{container}/{rawPath}")}' has an absolute path or '..': "
                + "it would escape the folder it is extracted to, so the archive is refused.");

    private sealed class EntryCounter
    {
        public int Value;
    }

    /// <summary>Counts expanded bytes against the archive's total and ratio limits.</summary>
    private sealed class ExpansionBudget(IngestOptions limits, CountingStream? compressed = null)
    {
        private const long RatioCheckFloor = 16L * 1024 * 1024;
        private long expanded;

        public void Consume(int bytes)
        {
            expanded += bytes;
            if (expanded > limits.MaxUncompressedBytes)
            {
                throw new UploadRejectedException("archive-too-large",
                    $"The archive expands to more than {limits.MaxUncompressedBytes} bytes (Ingest:MaxUncompressedBytes).");
            }
            if (compressed is not null && expanded > RatioCheckFloor && expanded > limits.MaxCompressionRatio * Math.Max(1, compressed.BytesRead))
            {
                throw new UploadRejectedException("compression-ratio",
                    $"The archive expands more than {limits.MaxCompressionRatio:F0}× its compressed size: a likely decompression bomb.");
            }
        }
    }
}
