namespace Platform.Contracts.Runs;

/// <summary>One curve of a run: its metric name, how many steps it has, and its latest step and value.</summary>
public sealed record MetricSummary(string Name, long Points, long LastStep, double LastValue);
