namespace Platform.Trainer.Telemetry;

/// <summary>
/// Training telemetry for the tracker, kept on disk until the tracker acknowledges it: one file per OTLP export request, named so
/// that they sort in the order they were made, written to a temporary name and renamed (a crash never leaves half a batch). The
/// folder is bounded: past <paramref name="maxBytes"/> the oldest batches are dropped, and <see cref="Dropped"/> counts them.
/// </summary>
public sealed class TelemetrySpool(string folder, long maxBytes)
{
    private const string Extension = ".otlp";
    private readonly Lock gate = new();
    private readonly SemaphoreSlim changed = new(0);
    private long sequence;

    public string Folder { get; } = folder;

    public long MaxBytes { get; } = maxBytes;

    /// <summary>Batches dropped to keep the folder within its bound, since start.</summary>
    public long Dropped { get; private set; }

    /// <summary>Stores one export request body; returns how many old batches were dropped to make room.</summary>
    public int Save(ReadOnlySpan<byte> body)
    {
        lock (gate)
        {
            Directory.CreateDirectory(Folder);
            // The machine's clock, not the injected TimeProvider: the name orders batches across trainer restarts.
            var name = $"{DateTime.UtcNow.Ticks:D19}-{Interlocked.Increment(ref sequence):D9}-{Guid.NewGuid():N}";
            var temporary = Path.Combine(Folder, name + ".tmp");
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                file.Write(body);
                file.Flush(flushToDisk: true);
            }
            File.Move(temporary, Path.Combine(Folder, name + Extension));
            var dropped = 0;
            var pending = PendingFiles();
            var total = pending.Sum(f => f.Length);
            for (var i = 0; total > MaxBytes && i < pending.Count - 1; i++)
            {
                total -= pending[i].Length;
                TryDelete(pending[i].FullName);
                dropped++;
            }
            Dropped += dropped;
            changed.Release();
            return dropped;
        }
    }

    /// <summary>The batches not yet acknowledged, oldest first.</summary>
    public IReadOnlyList<string> Pending() => [.. PendingFiles().Select(f => f.FullName)];

    public bool IsEmpty => PendingFiles().Count == 0;

    /// <summary>Marks a batch acknowledged (deletes it).</summary>
    public void Acknowledge(string batch)
    {
        TryDelete(batch);
        changed.Release();
    }

    /// <summary>Waits until something is saved or acknowledged, or the timeout passes.</summary>
    public Task<bool> WaitForChangeAsync(TimeSpan timeout, CancellationToken cancellationToken) => changed.WaitAsync(timeout, cancellationToken);

    private List<FileInfo> PendingFiles() =>
        Directory.Exists(Folder)
            ? [.. new DirectoryInfo(Folder).EnumerateFiles("*" + Extension).OrderBy(f => f.Name, StringComparer.Ordinal)]
            : [];

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Another trainer sharing the folder is sending it; it deletes it once acknowledged.
        }
    }
}
