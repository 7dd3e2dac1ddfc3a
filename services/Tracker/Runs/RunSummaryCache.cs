using Platform.Contracts.Runs;

namespace Platform.Tracker.Runs;

/// <summary>
/// Every run's summary (no curves' sizes, per-class figures or attempts) in memory, for the runs table and search over
/// thousands of runs. A query reads the runs' ids and change counters (two Redis commands) and re-reads only the runs
/// whose counter moved since they were cached, so what it answers is as current as Redis, whichever replica wrote it.
/// </summary>
public sealed class RunSummaryCache(RunStore store)
{
    private readonly Dictionary<Guid, (long Version, RunRecord Run)> cache = [];
    private readonly SemaphoreSlim refreshing = new(1, 1);

    /// <summary>The runs, newest first; all runs or one experiment's.</summary>
    public async Task<IReadOnlyList<RunRecord>> ListAsync(string? experiment)
    {
        // Counters first: a run written after this read has a newer counter next time and is read again then.
        var versions = await store.ReadRunVersionsAsync();
        var ids = await store.ListRunIdsAsync(experiment);
        await refreshing.WaitAsync();
        try
        {
            var stale = ids.Where(id => !cache.TryGetValue(id, out var cached) || cached.Version != versions.GetValueOrDefault(id)).ToList();
            if (stale.Count > 0)
            {
                var read = await store.GetManyAsync(stale, details: false);
                for (var i = 0; i < stale.Count; i++)
                {
                    if (read[i] is { } run)
                    {
                        cache[stale[i]] = (versions.GetValueOrDefault(stale[i]), run);
                    }
                    else
                    {
                        cache.Remove(stale[i]);
                    }
                }
            }
            if (experiment is null)
            {
                // Runs that are gone (a run whose command never left is deleted) leave the cache with the full listing.
                var listed = ids.ToHashSet();
                foreach (var gone in cache.Keys.Where(id => !listed.Contains(id)).ToList())
                {
                    cache.Remove(gone);
                }
            }
            return ids.Select(id => cache.TryGetValue(id, out var cached) ? cached.Run : null).OfType<RunRecord>()
                .Where(run => experiment is null || run.Experiment == experiment).ToList();
        }
        finally
        {
            refreshing.Release();
        }
    }
}
