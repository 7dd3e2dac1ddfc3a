namespace Platform.Contracts.Runs;

/// <summary>
/// A curve (<c>GET /runs/{id}/metrics/{metric}</c>): steps (x), values (y) and the wall-clock time of each point (Unix seconds).
/// <see cref="WallTimes"/> is empty when a long curve not yet in the tracker's memory was drawn from its stored overview.
/// </summary>
public sealed record Curve(string Metric, long TotalPoints, bool Downsampled, IReadOnlyList<long> Steps, IReadOnlyList<double> Values, IReadOnlyList<double> WallTimes);
