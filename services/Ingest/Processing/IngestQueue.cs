using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Platform.Ingest.Datasets;

namespace Platform.Ingest.Processing;

/// <summary>
/// The bounded queue of received uploads, and the versions this instance is responsible for (receiving,
/// queued or processing), whose heartbeats it keeps so the sweeper of another instance leaves them alone.
/// </summary>
public sealed class IngestQueue(IOptions<IngestOptions> options)
{
    private readonly Channel<IngestJob> jobs = Channel.CreateBounded<IngestJob>(new BoundedChannelOptions(options.Value.MaxQueuedIngests)
    {
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
    });
    private readonly ConcurrentDictionary<(string Name, int Version), IngestProgressCounter> owned = new();
    private int waiting;

    public ChannelReader<IngestJob> Reader => jobs.Reader;

    public bool HasRoom => Volatile.Read(ref waiting) < options.Value.MaxQueuedIngests;

    public IngestProgressCounter Own(string name, int version) => owned.GetOrAdd((name, version), _ => new IngestProgressCounter { Stage = "receiving" });

    public void Release(string name, int version) => owned.TryRemove((name, version), out _);

    public bool Owns(string name, int version) => owned.ContainsKey((name, version));

    public IReadOnlyList<(string Name, int Version, IngestProgressCounter Progress)> Owned =>
        owned.Select(entry => (entry.Key.Name, entry.Key.Version, entry.Value)).ToList();

    public bool TryEnqueue(IngestJob job)
    {
        if (Interlocked.Increment(ref waiting) > options.Value.MaxQueuedIngests || !jobs.Writer.TryWrite(job))
        {
            Interlocked.Decrement(ref waiting);
            return false;
        }
        return true;
    }

    public void Dequeued() => Interlocked.Decrement(ref waiting);
}
