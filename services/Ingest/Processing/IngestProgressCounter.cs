using Platform.Contracts.Datasets;

namespace Platform.Ingest.Processing;

/// <summary>Progress of a running ingest, updated by the pipeline and read by the heartbeat.</summary>
public sealed class IngestProgressCounter
{
    private int filesRead;
    private int accepted;
    private int rejected;
    private int written;
    private int toWrite;

    public string Stage { get; set; } = "reading";

    public void FileRead() => Interlocked.Increment(ref filesRead);

    public void Accepted(int count = 1) => Interlocked.Add(ref accepted, count);

    public void Rejected(int count = 1) => Interlocked.Add(ref rejected, count);

    /// <summary>Sets how many images the shards will hold, before they are written.</summary>
    public void WillWrite(int count) => Volatile.Write(ref toWrite, count);

    public void Wrote() => Interlocked.Increment(ref written);

    public void ResetOutcome()
    {
        Interlocked.Exchange(ref accepted, 0);
        Interlocked.Exchange(ref rejected, 0);
    }

    public IngestProgress Snapshot() => new(Stage, Volatile.Read(ref filesRead), Volatile.Read(ref accepted), Volatile.Read(ref rejected),
        Volatile.Read(ref written), Volatile.Read(ref toWrite));
}
