namespace Platform.Tracker.Otlp;

/// <summary>What one OTLP batch says about one run; every part of it can be applied twice without changing anything twice.</summary>
public sealed class RunObservation(Guid runId)
{
    public Guid RunId { get; } = runId;

    public Dictionary<string, string> Fields { get; } = new(StringComparer.Ordinal);

    /// <summary>Hyperparameters, each value as JSON (a string, number or boolean).</summary>
    public Dictionary<string, string> Params { get; } = new(StringComparer.Ordinal);

    public List<MetricPoint> Points { get; } = [];

    public Dictionary<string, double> FinalMetrics { get; } = new(StringComparer.Ordinal);

    /// <summary>Per-class figures keyed "label.metric" (e.g. "cat.f1").</summary>
    public Dictionary<string, double> PerClass { get; } = new(StringComparer.Ordinal);

    public string? ConfusionMatrixJson { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>How the run span ended; it decides the state only of a run that exists through telemetry alone.</summary>
    public RunOutcome? Outcome { get; set; }

    public string? OutcomeReason { get; set; }
}
