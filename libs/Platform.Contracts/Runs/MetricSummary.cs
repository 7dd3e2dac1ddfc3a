namespace Platform.Contracts.Runs;

/// <summary>One curve of a run: its metric name, how many steps it has, and its latest step and value.</summary>
/// <param name="Axis">What its steps count: <c>epoch</c> or <c>step</c> (global optimizer steps; <see cref="CurveAxes"/>).</param>
public sealed record MetricSummary(string Name, long Points, long LastStep, double LastValue, string Axis = CurveAxes.Epoch);
