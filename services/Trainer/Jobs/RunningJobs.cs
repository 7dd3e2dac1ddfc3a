using System.Collections.Concurrent;

namespace Platform.Trainer.Jobs;

/// <summary>The runs this trainer is executing, so a cancel request that reaches it stops one at once.</summary>
public sealed class RunningJobs
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> runs = new();

    public void Add(Guid runId, CancellationTokenSource cancellation) => runs[runId] = cancellation;

    public void Remove(Guid runId) => runs.TryRemove(runId, out _);

    public bool TryCancel(Guid runId)
    {
        if (!runs.TryGetValue(runId, out var cancellation))
        {
            return false;
        }
        cancellation.Cancel();
        return true;
    }
}
