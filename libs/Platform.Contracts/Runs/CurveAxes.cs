namespace Platform.Contracts.Runs;

/// <summary>The x-axis of a curve: epochs, or global optimizer steps (the step-level points, named <c>step_…</c>).</summary>
public static class CurveAxes
{
    public const string Epoch = "epoch";
    public const string Step = "step";

    /// <summary>Prefix of the metrics logged every few optimizer steps on the global-step axis.</summary>
    public const string StepMetricPrefix = "step_";

    public static string Of(string metric) => metric.StartsWith(StepMetricPrefix, StringComparison.Ordinal) ? Step : Epoch;
}
