using System.Formats.Tar;
using System.IO.Compression;
using Platform.Imaging.Data;
using Platform.Ingest.Datasets;

namespace Platform.Ingest.Sources;

/// <summary>
/// A zip, tar or tar.gz upload of folder-per-class images and/or images with annotation files. Entries are
/// read into memory one at a time, never extracted to disk, and each is checked before it is used: unsafe
/// paths, links, nested archives and oversize or over-compressed entries are rejected with a reason; an
/// archive over its entry-count, total-size or expansion-ratio limits is refused as a whole. A tar's top-level
/// <c>.tar</c> entries are read one level deep as class folders (ImageNet's training archive holds one tar per class).
/// </summary>
public sealed class ArchiveSource(string file, ArchiveKind kind, string originalName, IngestOptions limits) : IIngestSource
{
    // .txt: YOLO label files and their classes.txt (a .txt without a classes.txt is rejected when labels are assigned).
    private static readonly string[] AnnotationExtensions = [".csv", ".json", ".xml", ".txt"];

    public string Description => $"{kind} archive '{originalName}'";

    public int NaturalChannels => 3;

    public static ArchiveKind? Detect(string file)
    {
        Span<byte> head = stackalloc byte[512];
        using var stream = File.OpenRead(file);
        var read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        head = head[..read];
        if (head.Length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] is 3 or 5)
        {
            return ArchiveKind.Zip;
        }
        if (head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b)
        {
            return ArchiveKind.TarGzip;
        }
        if (head.Length >= 262 && head[257..262].SequenceEqual("ustar"u8))
        {
            return ArchiveKind.Tar;
        }
        return null;
    }

    public IEnumerable<SourceItem> Read(CancellationToken cancellationToken) => kind switch
    {
        ArchiveKind.Zip => ReadZip(cancellationToken),
        _ => ReadTar(cancellationToken),
    };

    private IEnumerable<SourceItem> ReadZip(CancellationToken cancellationToken)
    {
        // The layout is checked first, from the file's own bytes: a crafted archive is refused whole before any entry is used.
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
            const int unixFileTypeMask = 0xF000, unixSymlink = 0xA000;
            if (((entry.ExternalAttributes >> 16) & unixFileTypeMask) == unixSymlink)
            {
                yield return new RejectedItem(path, "link", "symbolic links are not followed");
                continue;
            }
            if (declared.IsEncrypted)
            {
                yield return new RejectedItem(path, "encrypted",
                    declared.Method == AesCompressionMethod ? "AES-encrypted entries cannot be read; add the file unencrypted"
                                                            : "password-protected (ZipCrypto) entries cannot be read; add the file unencrypted");
                continue;
            }
            if (declared.Method is not (StoredMethod or DeflateMethod or Deflate64Method))
            {
                yield return new RejectedItem(path, "unsupported-compression",
                    $"compression method {declared.Method} cannot be read; use deflate (the default of every zip tool) or store");
                continue;
            }
            if (entry.Length > 1024 * 1024 && entry.CompressedLength > 0 && (double)entry.Length / entry.CompressedLength > limits.MaxCompressionRatio)
            {
                yield return new RejectedItem(path, "compression-ratio",
                    $"expands {entry.Length / (double)entry.CompressedLength:F0}× (limit {limits.MaxCompressionRatio:F0}×): a likely zip bomb");
                continue;
            }
            if (Classify(path, entry.Length) is { } rejection)
            {
                yield return rejection;
                continue;
            }
            yield return ReadZipEntry(entry, declared, data, path, budget);
        }
    }

    private const ushort StoredMethod = 0, DeflateMethod = 8, Deflate64Method = 9, AesCompressionMethod = 99;

    /// <summary>
    /// Stored and deflated entries (nearly every zip) are expanded here from the bytes the checked layout points at, not through
    /// <see cref="ZipArchiveEntry.Open"/>: that stream stops silently at the size the directory declares, so an entry crafted to
    /// expand further (past every size limit, which were checked against the declaration) would go unnoticed. Deflate64 is left to
    /// the framework, which alone can expand it.
    /// </summary>
    private SourceItem ReadZipEntry(ZipArchiveEntry entry, ZipStructure.Entry declared, FileStream data, string path, ExpansionBudget budget)
    {
        try
        {
            if (declared.Method == Deflate64Method)
            {
                using var framework = entry.Open();
                return ToItem(path, framework, budget, declaredLength: entry.Length);
            }
            if (declared.CompressedSize > Math.Max(limits.MaxFileBytes, limits.MaxAnnotationBytes) + 1024 * 1024)
            {
                return new RejectedItem(path, "too-large", $"{declared.CompressedSize} compressed bytes");
            }
            var compressed = new byte[declared.CompressedSize];
            data.Position = declared.DataOffset;
            data.ReadExactly(compressed);
            using var content = declared.Method == StoredMethod
                ? (Stream)new MemoryStream(compressed, writable: false)
                : new DeflateStream(new MemoryStream(compressed, writable: false), CompressionMode.Decompress);
            return ToItem(path, content, budget, declaredLength: declared.UncompressedSize);
        }
        catch (InvalidDataException)
        {
            // The entry's compressed data is damaged (the layout itself was checked): this entry is lost, the others are kept.
            return new RejectedItem(path, "corrupt", "the entry's compressed data is damaged and cannot be expanded");
        }
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

    private IEnumerable<SourceItem> ReadTar(CancellationToken cancellationToken)
    {
        using var fileStream = File.OpenRead(file);
        var compressed = new CountingStream(fileStream);
        using var decompressed = kind == ArchiveKind.TarGzip ? new GZipStream(compressed, CompressionMode.Decompress) : (Stream)compressed;
        using var reader = new TarReader(decompressed);
        var budget = new ExpansionBudget(limits, kind == ArchiveKind.TarGzip ? compressed : null);
        var count = new EntryCounter();
        foreach (var item in ReadTarEntries(reader, container: null, count, budget, cancellationToken))
        {
            yield return item;
        }
    }

    /// <summary>
    /// The entries of a tar, or of a class tar inside it (<paramref name="container"/>: the ILSVRC training layout, one
    /// tar per class). Nested entries are named <c>{class}/{entry}</c>, so the inner tar's name is their class folder;
    /// they count against the same entry, size and ratio limits as the rest, and anything nested deeper is rejected.
    /// </summary>
    private IEnumerable<SourceItem> ReadTarEntries(TarReader reader, string? container, EntryCounter count, ExpansionBudget budget,
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
                yield return new RejectedItem(container, "corrupt-archive", $"the class archive is damaged: {damage}; the entries before the damage are kept");
                yield break;
            }
            if (entry is null)
            {
                yield break;
            }
            if (++count.Value > limits.MaxArchiveEntries)
            {
                throw TooManyEntries(count.Value);
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
                    yield return new RejectedItem(name, "link", $"{entry.EntryType} to '{ArchivePaths.ForDisplay(entry.LinkName)}' is not followed");
                    continue;
                case TarEntryType.RegularFile:
                case TarEntryType.V7RegularFile:
                case TarEntryType.ContiguousFile:
                    break;
                default:
                    yield return new RejectedItem(name, "not-a-regular-file", $"tar entry of type {entry.EntryType}");
                    continue;
            }
            if (container is null && ClassArchiveFolder(entry.Name) is { } classFolder)
            {
                using var inner = new TarReader(entry.DataStream ?? Stream.Null, leaveOpen: true);
                foreach (var item in ReadTarEntries(inner, classFolder, count, budget, cancellationToken))
                {
                    yield return item;
                }
                continue;
            }
            if (Classify(name, entry.Length) is { } rejection)
            {
                yield return rejection;
                continue;
            }
            yield return ToItem(name, entry.DataStream ?? Stream.Null, budget, declaredLength: entry.Length);
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

    private RejectedItem? Classify(string path, long declaredLength)
    {
        if (ArchivePaths.IsMetadata(path))
        {
            return new RejectedItem(path, "ignored-metadata", "operating-system metadata (hidden file or __MACOSX)");
        }
        if (ArchivePaths.LooksLikeArchive(path))
        {
            return new RejectedItem(path, "nested-archive", "archives inside the upload are not opened; upload them separately");
        }
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (!FolderDataset.ImageExtensions.Contains(extension) && !AnnotationExtensions.Contains(extension))
        {
            return new RejectedItem(path, "not-an-image", $"'{extension}' files are neither images nor annotation files");
        }
        var limit = AnnotationExtensions.Contains(extension) ? limits.MaxAnnotationBytes : limits.MaxFileBytes;
        return declaredLength > limit
            ? new RejectedItem(path, "too-large", $"{declaredLength} bytes (limit {limit})")
            : null;
    }

    private SourceItem ToItem(string path, Stream content, ExpansionBudget budget, long declaredLength)
    {
        var isAnnotation = AnnotationExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());
        var limit = isAnnotation ? limits.MaxAnnotationBytes : limits.MaxFileBytes;
        var bytes = ReadLimited(content, limit, budget, declaredLength, path);
        if (bytes is null)
        {
            return new RejectedItem(path, "too-large", $"more than {limit} bytes once expanded");
        }
        if (isAnnotation)
        {
            return new AnnotationItem(path, bytes);
        }
        if (bytes.Length >= 2 && ((bytes[0] == 'P' && bytes[1] == 'K') || (bytes[0] == 0x1f && bytes[1] == 0x8b)))
        {
            return new RejectedItem(path, "nested-archive", "the file is an archive under an image name");
        }
        var segments = path.Split('/');
        return new EncodedImageItem(path, bytes, segments.Length >= 2 ? segments[^2] : null);
    }

    private static byte[]? ReadLimited(Stream stream, long limit, ExpansionBudget budget, long declaredLength, string path)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        long total = 0;
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            budget.Consume(read);
            total += read;
            if (total > declaredLength)
            {
                // Every limit was checked against the declared size; data beyond it is an archive crafted to slip past them.
                throw new UploadRejectedException("size-mismatch",
                    $"Entry '{ArchivePaths.ForDisplay(path)}' expands beyond the {declaredLength} bytes the archive declares for it, so the archive is refused.");
            }
            if (buffer.Length + read > limit)
            {
                // Drain without keeping, so the archive stays readable for the next entry.
                while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
                {
                    budget.Consume(read);
                }
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private UploadRejectedException TooManyEntries(int count) =>
        new("too-many-entries", $"The archive lists {count}+ entries; the limit is {limits.MaxArchiveEntries} (Ingest:MaxArchiveEntries).");

    public void Dispose()
    {
    }

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
