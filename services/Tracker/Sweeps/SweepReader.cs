using Platform.Contracts.Runs;
using Platform.Contracts.Sweeps;
using Platform.Contracts.Telemetry;
using Platform.Sweeps;
using Platform.Tracker.Runs;

namespace Platform.Tracker.Sweeps;

/// <summary>Reads a sweep with its trials' runs and objective curves, for the controller and for <c>GET /sweeps</c>.</summary>
public sealed class SweepReader(SweepStore sweeps, RunStore runs)
{
    /// <summary>Every trial with its run and objective curve.</summary>
    public async Task<IReadOnlyList<TrialSnapshot>> TrialsAsync(Guid sweepId, string metric, bool maximize)
    {
        var trials = await sweeps.TrialsAsync(sweepId);
        var records = await runs.GetManyAsync(trials.Select(t => t.RunId).ToList(), details: false);
        var snapshots = new List<TrialSnapshot>();
        for (var i = 0; i < trials.Count; i++)
        {
            var run = trials[i].Invalid is null ? records[i] : null;
            IReadOnlyList<double> values = [];
            if (run is not null && run.Curves.Any(c => c.Name == metric))
            {
                var (_, curve, _) = await runs.ReadCurveAsync(run.Id, metric);
                values = curve;
            }
            double? objective = run is not null && run.Metrics.TryGetValue(metric, out var value) ? value : null;
            snapshots.Add(new TrialSnapshot(trials[i], run, objective, values.Select(v => maximize ? v : -v).ToList(), values));
        }
        return snapshots;
    }

    /// <summary>The best completed trial by the objective (the earliest on a tie); null when none completed with a value.</summary>
    public static TrialSnapshot? Best(IEnumerable<TrialSnapshot> trials, bool maximize) =>
        trials.Where(t => t.Run?.State == RunStates.Completed && t.Objective is { } v && double.IsFinite(v))
            .OrderByDescending(t => maximize ? t.Objective!.Value : -t.Objective!.Value).ThenBy(t => t.Trial.Number).FirstOrDefault();

    /// <summary>Epochs a trial's run trained: the last epoch of its validation-loss curve, which every epoch reports.</summary>
    public static int EpochsTrained(RunRecord? run) =>
        (int)(run?.Curves.FirstOrDefault(c => c.Name == TrainingTelemetryConventions.MetricNames.ValidationLoss)?.LastStep ?? 0);

    public async Task<SweepRecord?> GetAsync(Guid sweepId)
    {
        var sweep = await sweeps.GetAsync(sweepId);
        if (sweep is null)
        {
            return null;
        }
        var metric = sweep.Spec.Objective?.Metric ?? "";
        var maximize = !string.Equals(sweep.Spec.Objective?.Goal, "minimize", StringComparison.OrdinalIgnoreCase);
        var trials = await TrialsAsync(sweepId, metric, maximize);
        var best = sweep.Best;
        if (best is null && Best(trials, maximize) is { } leader)
        {
            best = new SweepBest(leader.Trial.Number, leader.Trial.RunId, leader.Objective!.Value, null, null);
        }
        // A reserved trial without a run in an ended sweep never started, and never will: its launch is refused once the sweep ended.
        var ended = SweepStates.IsTerminal(sweep.State);
        var shown = trials.Select(t => new SweepTrial(
            t.Trial.Number,
            t.Trial.RunId,
            t.Trial.Parameters,
            t.Trial.Invalid is not null ? "invalid" : t.Run?.State ?? (ended ? RunStates.Cancelled : RunStates.Queued),
            t.Objective is { } v && double.IsFinite(v) ? v : null,
            EpochsTrained(t.Run),
            t.Run?.PrunedAtEpoch,
            t.Trial.Invalid ?? t.Run?.Reason ?? (ended ? $"Never started: the sweep was {sweep.State} first" : null))).ToList();
        return new SweepRecord(sweep.Id, sweep.State, sweep.Reason, sweep.Spec, sweep.DatasetVersion, sweep.CreatedAt, sweep.EndedAt,
            sweep.TrialsPlanned, shown.Sum(t => t.EpochsTrained), shown, best);
    }
}
