namespace Platform.Otlp;

/// <summary>One exported metric stream: its instrument scope (meter), name, unit, kind and data points.</summary>
public sealed record OtlpMetric(string Scope, string Name, string Unit, OtlpMetricKind Kind, IReadOnlyList<OtlpDataPoint> Points);
