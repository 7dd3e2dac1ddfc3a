namespace Platform.Tracker.Otlp;

public sealed record MetricPoint(string Metric, long Step, double Value, double WallTimeSeconds);
