namespace Platform.Contracts.Runs;

/// <summary>The answer of <c>GET /runs/compare</c>: the runs, their parameters side by side, and each metric's curves and values.</summary>
public sealed record RunComparison(IReadOnlyList<RunRecord> Runs, IReadOnlyList<ParameterComparison> Parameters, IReadOnlyList<MetricComparison> Metrics);
