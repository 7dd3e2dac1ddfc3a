using System.Collections.Concurrent;

namespace Platform.Tracker.Runs;

/// <summary>
/// Reads curves, full or downsampled. A curve read from Redis is kept with the counter its writes bump, so a display
/// query on a million-point curve costs one counter read and one LTTB pass until the curve changes.
/// </summary>
public sealed class CurveReader(RunStore store)
{
    private const int CachedCurves = 64;
    private readonly ConcurrentDictionary<(Guid, string), CachedCurve> cache = new();

    private sealed record CachedCurve(long Version, long[] Steps, double[] Values, double[] WallTimes)
    {
        public long LastUsed { get; set; } = Environment.TickCount64;
    }

    /// <param name="maxPoints">Downsample to this many points with LTTB; null for every point.</param>
    public async Task<Curve> ReadAsync(Guid runId, string metric, int? maxPoints)
    {
        var version = await store.CurveVersionAsync(runId, metric);
        if (!cache.TryGetValue((runId, metric), out var curve) || curve.Version != version)
        {
            var (steps, values, times) = await store.ReadCurveAsync(runId, metric);
            curve = new CachedCurve(version, steps, values, times);
            cache[(runId, metric)] = curve;
            Evict();
        }
        curve.LastUsed = Environment.TickCount64;
        if (maxPoints is not { } limit || limit >= curve.Steps.Length)
        {
            return new Curve(metric, curve.Steps.Length, false, curve.Steps, curve.Values, curve.WallTimes);
        }
        var kept = Lttb.Select(curve.Steps, curve.Values, limit);
        return new Curve(metric, curve.Steps.Length, true,
            kept.Select(i => curve.Steps[i]).ToArray(), kept.Select(i => curve.Values[i]).ToArray(), kept.Select(i => curve.WallTimes[i]).ToArray());
    }

    private void Evict()
    {
        while (cache.Count > CachedCurves)
        {
            var oldest = cache.MinBy(entry => entry.Value.LastUsed);
            cache.TryRemove(oldest.Key, out _);
        }
    }
}
