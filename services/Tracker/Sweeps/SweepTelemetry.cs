using System.Diagnostics;
using Platform.Sweeps;

namespace Platform.Tracker.Sweeps;

/// <summary>
/// A sweep is a trace of its own (its trace id is the sweep id, as a run's is its run id): a span when it starts, one per trial linking
/// to the trial's trace, and one when it ends, so the dashboard shows the sweep and leads to each trial's epochs.
/// </summary>
public sealed class SweepTelemetry : IDisposable
{
    public const string SourceName = "Platform.Tracker.Sweeps";
    public const string SweepSpan = "sweep.started";
    public const string TrialSpan = "sweep.trial";
    public const string EndSpan = "sweep.ended";

    public ActivitySource Source { get; } = new(SourceName);

    public static ActivityTraceId TraceIdOf(Guid id) => ActivityTraceId.CreateFromString(id.ToString("N"));

    public void Started(Guid sweepId, SweepDefinition definition)
    {
        using var span = Source.StartActivity(SweepSpan, ActivityKind.Internal, Root(sweepId));
        span?.SetTag("platform.sweep_id", sweepId.ToString());
        span?.SetTag("platform.experiment", definition.Experiment);
        span?.SetTag("platform.sweep.method", definition.Method.ToString().ToLowerInvariant());
        span?.SetTag("platform.sweep.trials_planned", definition.TrialsPlanned);
        span?.SetTag("platform.sweep.early_stopping", definition.EarlyStopping?.Kind ?? "none");
    }

    public void TrialStarted(Guid sweepId, StoredTrial trial)
    {
        // The trial's run is a trace of its own (trace id = run id); the link leads there from the sweep.
        var runTrace = new ActivityContext(TraceIdOf(trial.RunId), default, ActivityTraceFlags.Recorded);
        using var span = Source.StartActivity(TrialSpan, ActivityKind.Internal, Root(sweepId), links: [new ActivityLink(runTrace)]);
        span?.SetTag("platform.sweep_id", sweepId.ToString());
        span?.SetTag("platform.run_id", trial.RunId.ToString());
        span?.SetTag("platform.sweep.trial", trial.Number);
        foreach (var (path, value) in trial.Parameters)
        {
            span?.SetTag("params." + path, value.GetRawText());
        }
    }

    public void Ended(Guid sweepId, string state, string? reason)
    {
        using var span = Source.StartActivity(EndSpan, ActivityKind.Internal, Root(sweepId));
        span?.SetTag("platform.sweep_id", sweepId.ToString());
        span?.SetTag("platform.sweep.state", state);
        if (reason is not null)
        {
            span?.SetTag("platform.sweep.reason", reason);
        }
    }

    private static ActivityContext Root(Guid sweepId) => new(TraceIdOf(sweepId), default, ActivityTraceFlags.Recorded);

    public void Dispose() => Source.Dispose();
}
