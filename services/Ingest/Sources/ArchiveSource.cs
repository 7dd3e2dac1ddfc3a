using Platform.Imaging.Data;
using Platform.Ingest.Datasets;

namespace Platform.Ingest.Sources;

/// <summary>
/// A zip, tar or tar.gz upload of folder-per-class images and/or images with annotation files. Entries are walked by
/// <see cref="ArchiveEntryReader"/> (the archive safety policy every archive source shares: unsafe paths, links, crafted
/// layouts, entry-count, total-size and expansion-ratio limits) and read into memory one at a time, never extracted to disk;
/// nested archives, files that are neither images nor annotations, and oversize entries are rejected here with a reason.
/// A tar's top-level <c>.tar</c> entries are read one level deep as class folders (ImageNet's training archive holds one tar per class).
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

    public IEnumerable<SourceItem> Read(CancellationToken cancellationToken)
    {
        var entries = new ArchiveEntryReader(file, kind, limits, Math.Max(limits.MaxFileBytes, limits.MaxAnnotationBytes), Classify,
            openClassArchives: true);
        foreach (var entry in entries.Read(cancellationToken))
        {
            yield return entry.Rejection ?? ToItem(entry);
        }
    }

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

    private SourceItem ToItem(ArchiveEntry entry)
    {
        var path = entry.Path;
        var isAnnotation = AnnotationExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());
        var limit = isAnnotation ? limits.MaxAnnotationBytes : limits.MaxFileBytes;
        byte[]? bytes;
        try
        {
            bytes = ReadLimited(entry, limit);
        }
        catch (InvalidDataException) when (kind == ArchiveKind.Zip)
        {
            // The entry's compressed data is damaged (the layout itself was checked): this entry is lost, the others are kept.
            return new RejectedItem(path, "corrupt", "the entry's compressed data is damaged and cannot be expanded");
        }
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

    private static byte[]? ReadLimited(ArchiveEntry entry, long limit)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = entry.Read(chunk)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                // Drain without keeping, so the archive stays readable for the next entry.
                while (entry.Read(chunk) > 0)
                {
                }
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public void Dispose()
    {
    }
}
