namespace Platform.Contracts.Runs;

/// <summary>One metric across compared runs: its curve and its value per run id.</summary>
public sealed record MetricComparison(string Metric, IReadOnlyDictionary<Guid, Curve> Curves, IReadOnlyDictionary<Guid, double?> Values);
