namespace Platform.Ingest.Sources;

/// <summary>
/// One entry of an archive as <see cref="ArchiveEntryReader"/> hands it out: either a refusal of that entry, or a regular file
/// with a safe path whose content is readable until the next entry is asked for. Every byte read counts against the archive's
/// expansion limits, and content beyond the length the archive declares refuses the whole archive (every size limit was
/// checked against that declaration).
/// </summary>
internal sealed class ArchiveEntry
{
    private readonly Func<Stream>? open;
    private readonly Action<int>? consume;
    private readonly bool ownsContent;
    private Stream? content;
    private long readSoFar;

    private ArchiveEntry(string path, long length, RejectedItem? rejection, Func<Stream>? open, Action<int>? consume, bool ownsContent)
    {
        Path = path;
        Length = length;
        Rejection = rejection;
        this.open = open;
        this.consume = consume;
        this.ownsContent = ownsContent;
    }

    public string Path { get; }

    /// <summary>The length the archive declares for the entry.</summary>
    public long Length { get; }

    /// <summary>Why the entry is not used, or null for a readable file.</summary>
    public RejectedItem? Rejection { get; }

    public static ArchiveEntry Rejected(RejectedItem rejection) => new(rejection.Key, 0, rejection, null, null, ownsContent: false);

    public static ArchiveEntry Readable(string path, long length, Func<Stream> open, Action<int> consume, bool ownsContent) =>
        new(path, length, null, open, consume, ownsContent);

    /// <summary>Fills <paramref name="buffer"/> as far as the entry goes; returns the bytes read (0 at its end).</summary>
    public int Read(Span<byte> buffer)
    {
        if (open is null || consume is null)
        {
            throw new InvalidOperationException($"The rejected entry '{Path}' has no content.");
        }
        content ??= open();
        var total = 0;
        while (total < buffer.Length)
        {
            var read = content.Read(buffer[total..]);
            if (read == 0)
            {
                break;
            }
            consume(read);
            total += read;
            readSoFar += read;
            if (readSoFar > Length)
            {
                throw new UploadRejectedException("size-mismatch",
                    $"Entry '{ArchivePaths.ForDisplay(Path)}' expands beyond the {Length} bytes the archive declares for it, so the archive is refused.");
            }
        }
        return total;
    }

    /// <summary>Called by the reader when the next entry is asked for.</summary>
    public void Close()
    {
        if (ownsContent)
        {
            content?.Dispose();
        }
        content = null;
    }
}
