using System.Text.Json;
using Platform.Tracker.Otlp;

namespace Platform.Tracker.Runs;

/// <summary>Run states: queued (created, TrainModel published) → running (telemetry arrived) → completed | failed | cancelled.</summary>
public static class RunStates
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static readonly string[] All = [Queued, Running, Completed, Failed, Cancelled];

    public static bool IsTerminal(string state) => state is Completed or Failed or Cancelled;

    public static string Of(RunOutcome outcome) => outcome switch
    {
        RunOutcome.Completed => Completed,
        RunOutcome.Failed => Failed,
        _ => Cancelled,
    };
}

/// <summary>A run as the API shows it. <see cref="Metrics"/> holds each metric's final value, or its value at the latest step.</summary>
public sealed record RunRecord(
    Guid Id,
    string Experiment,
    string State,
    string? Reason,
    string? ModelName,
    string? DatasetName,
    int? DatasetVersion,
    string? Device,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    int Attempt,
    bool CancelRequested,
    IReadOnlyDictionary<string, JsonElement> Params,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, double> FinalMetrics,
    IReadOnlyList<MetricSummary> Curves,
    JsonElement? Config,
    IReadOnlyDictionary<string, double>? PerClass,
    ConfusionMatrix? ConfusionMatrix);

/// <summary>One curve of a run: its metric name, how many steps it has, and its latest step and value.</summary>
public sealed record MetricSummary(string Name, long Points, long LastStep, double LastValue);

/// <summary>
/// A curve: steps (x), values (y) and the wall-clock time of each point (Unix seconds). <see cref="WallTimes"/> is empty
/// when a long curve not yet in the tracker's memory was drawn from its stored overview.
/// </summary>
public sealed record Curve(string Metric, long TotalPoints, bool Downsampled, IReadOnlyList<long> Steps, IReadOnlyList<double> Values, IReadOnlyList<double> WallTimes);
