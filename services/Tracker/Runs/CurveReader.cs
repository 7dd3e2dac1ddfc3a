using System.Runtime.InteropServices;
using Platform.Contracts.Runs;

namespace Platform.Tracker.Runs;

/// <summary>
/// Reads curves, full or downsampled, from a cache kept current by the writes this process makes. Each curve write
/// bumps a version counter in Redis; a cached curve knows which versions it holds (all up to the one it was loaded at,
/// plus the writes merged since), so a query costs one counter read and, while the cache holds every version, no
/// curve read. A write made by another replica leaves a gap and the next query reloads from Redis.
/// </summary>
/// <remarks>
/// A long curve that is not in memory (after a restart, or written through another replica) is first drawn from its
/// stored overview (first, last, lowest and highest point of every bucket of steps) while a background read loads
/// it whole; display queries never wait for a million-point read.
/// </remarks>
public sealed class CurveReader(RunStore store, ILogger<CurveReader> logger)
{
    private const int MinOverviewPoints = 100_000;
    private readonly HashSet<(Guid, string)> loading = [];
    private const int MaxCachedCurves = 512;
    private const long MaxCachedPoints = 8_000_000;
    private readonly Dictionary<(Guid, string), CachedCurve> cache = [];

    private sealed class CachedCurve(long completeVersion)
    {
        public List<long> Steps { get; private set; } = [];
        public List<double> Values { get; private set; } = [];
        public List<double> WallTimes { get; private set; } = [];
        public long CompleteVersion { get; private set; } = completeVersion;
        public SortedSet<long> VersionsAhead { get; } = [];
        public long LastUsed { get; set; } = Environment.TickCount64;

        /// <summary>Bumped by every change of the points: a downsampled answer made at the same revision is still the curve's.</summary>
        public long Revision { get; private set; }

        /// <summary>The last whole-curve downsampled answer: reloading a finished run's page (or another viewer's) costs no LTTB pass over a million points.</summary>
        public (long Revision, int MaxPoints, Curve Answer)? Downsampled { get; set; }

        public void Load(long[] steps, double[] values, double[] times)
        {
            (Steps, Values, WallTimes) = ([.. steps], [.. values], [.. times]);
            Revision++;
        }

        /// <summary>Merges a write (points are keyed by step, so merging a write twice changes nothing).</summary>
        public void Merge(long version, IReadOnlyList<Otlp.MetricPoint> points)
        {
            if (version <= CompleteVersion || !VersionsAhead.Add(version))
            {
                return;
            }
            Revision++;
            var sorted = points.OrderBy(p => p.Step).ToList();
            if (Steps.Count == 0 || sorted[0].Step > Steps[^1])
            {
                foreach (var point in sorted)
                {
                    Steps.Add(point.Step);
                    Values.Add(point.Value);
                    WallTimes.Add(point.WallTimeSeconds);
                }
            }
            else
            {
                MergeOutOfOrder(sorted);
            }
            while (VersionsAhead.Remove(CompleteVersion + 1))
            {
                CompleteVersion++;
            }
        }

        private void MergeOutOfOrder(List<Otlp.MetricPoint> sorted)
        {
            var (steps, values, times) = (new List<long>(Steps.Count + sorted.Count), new List<double>(Steps.Count + sorted.Count), new List<double>(Steps.Count + sorted.Count));
            int i = 0, j = 0;
            while (i < Steps.Count || j < sorted.Count)
            {
                if (j == sorted.Count || (i < Steps.Count && Steps[i] < sorted[j].Step))
                {
                    steps.Add(Steps[i]);
                    values.Add(Values[i]);
                    times.Add(WallTimes[i]);
                    i++;
                }
                else
                {
                    if (i < Steps.Count && Steps[i] == sorted[j].Step)
                    {
                        i++;
                    }
                    // Equal steps inside one write: the last one wins, as in the Redis hash.
                    while (j + 1 < sorted.Count && sorted[j + 1].Step == sorted[j].Step)
                    {
                        j++;
                    }
                    steps.Add(sorted[j].Step);
                    values.Add(sorted[j].Value);
                    times.Add(sorted[j].WallTimeSeconds);
                    j++;
                }
            }
            (Steps, Values, WallTimes) = (steps, values, times);
        }
    }

    /// <summary>Keeps cached curves current with writes this process made (called after Redis accepted them).</summary>
    public void Observe(IEnumerable<CurveWrite> writes)
    {
        lock (cache)
        {
            foreach (var write in writes)
            {
                var key = (write.RunId, write.Metric);
                if (!cache.TryGetValue(key, out var curve))
                {
                    if (write.Version != 1)
                    {
                        continue; // an older curve this process has not read: loaded on demand
                    }
                    cache[key] = curve = new CachedCurve(0);
                }
                curve.Merge(write.Version, write.Points);
            }
            Evict();
        }
    }

    /// <param name="maxPoints">Downsample to this many points with LTTB; null for every point.</param>
    /// <param name="range">Only the points with steps in this closed range (a zoomed chart asks for its window in detail).</param>
    public async Task<Curve> ReadAsync(Guid runId, string metric, int? maxPoints, StepRange? range = null)
    {
        var version = await store.CurveVersionAsync(runId, metric);
        lock (cache)
        {
            if (cache.TryGetValue((runId, metric), out var cached) && cached.CompleteVersion == version)
            {
                return Snapshot(cached, metric, maxPoints, range);
            }
        }
        if (maxPoints is { } limit && await store.CurveLengthAsync(runId, metric) is var length
            && length >= MinOverviewPoints && length >= (long)limit * RunStore.OverviewBucketSteps / 4)
        {
            var (overviewSteps, overviewValues) = await store.ReadOverviewAsync(runId, metric);
            LoadInBackground(runId, metric, version);
            if (range is { } window)
            {
                var inside = overviewSteps.Select((step, i) => (step, i)).Where(p => window.Contains(p.step)).Select(p => p.i).ToArray();
                (overviewSteps, overviewValues) = (inside.Select(i => overviewSteps[i]).ToArray(), inside.Select(i => overviewValues[i]).ToArray());
            }
            var kept = Lttb.Select(overviewSteps, overviewValues, limit);
            return new Curve(metric, length, true, kept.Select(i => overviewSteps[i]).ToArray(), kept.Select(i => overviewValues[i]).ToArray(), []);
        }
        var loaded = await LoadAsync(runId, metric, version);
        lock (cache)
        {
            return Snapshot(loaded, metric, maxPoints, range);
        }
    }

    private void LoadInBackground(Guid runId, string metric, long version)
    {
        lock (cache)
        {
            if (!loading.Add((runId, metric)))
            {
                return;
            }
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await LoadAsync(runId, metric, version);
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "Could not load curve {Metric} of run {RunId}", metric, runId);
            }
            finally
            {
                lock (cache)
                {
                    loading.Remove((runId, metric));
                }
            }
        });
    }

    private async Task<CachedCurve> LoadAsync(Guid runId, string metric, long version)
    {
        // Everything written up to `version` is in Redis before the version was bumped, so this read holds it all.
        var (steps, values, times) = await store.ReadCurveAsync(runId, metric);
        lock (cache)
        {
            var curve = new CachedCurve(version);
            curve.Load(steps, values, times);
            if (cache.TryGetValue((runId, metric), out var previous) && previous.CompleteVersion > version)
            {
                curve = previous;
            }
            cache[(runId, metric)] = curve;
            Evict();
            return curve;
        }
    }

    private static Curve Snapshot(CachedCurve curve, string metric, int? maxPoints, StepRange? range)
    {
        curve.LastUsed = Environment.TickCount64;
        var (start, end) = range is { } window ? window.IndicesIn(curve.Steps) : (0, curve.Steps.Count);
        var steps = CollectionsMarshal.AsSpan(curve.Steps)[start..end];
        var values = CollectionsMarshal.AsSpan(curve.Values)[start..end];
        var times = CollectionsMarshal.AsSpan(curve.WallTimes)[start..end];
        if (maxPoints is not { } limit || limit >= steps.Length)
        {
            return new Curve(metric, curve.Steps.Count, false, steps.ToArray(), values.ToArray(), times.ToArray());
        }
        if (range is null && curve.Downsampled is { } last && last.Revision == curve.Revision && last.MaxPoints == limit)
        {
            return last.Answer;
        }
        var kept = Lttb.Select(steps, values, limit);
        var (keptSteps, keptValues, keptTimes) = (new long[kept.Length], new double[kept.Length], new double[kept.Length]);
        for (var i = 0; i < kept.Length; i++)
        {
            (keptSteps[i], keptValues[i], keptTimes[i]) = (steps[kept[i]], values[kept[i]], times[kept[i]]);
        }
        var answer = new Curve(metric, curve.Steps.Count, true, keptSteps, keptValues, keptTimes);
        if (range is null)
        {
            curve.Downsampled = (curve.Revision, limit, answer);
        }
        return answer;
    }

    private void Evict()
    {
        while (cache.Count > MaxCachedCurves || (cache.Count > 1 && cache.Values.Sum(c => (long)c.Steps.Count) > MaxCachedPoints))
        {
            cache.Remove(cache.MinBy(entry => entry.Value.LastUsed).Key);
        }
    }
}
