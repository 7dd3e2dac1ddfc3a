using Platform.Tracker.Otlp;

namespace Platform.Tracker.Runs;

/// <summary>Points written to a curve, and the version number that write gave the curve.</summary>
public sealed record CurveWrite(Guid RunId, string Metric, long Version, IReadOnlyList<MetricPoint> Points);
