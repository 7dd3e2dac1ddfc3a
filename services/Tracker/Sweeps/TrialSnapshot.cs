using Platform.Contracts.Runs;

namespace Platform.Tracker.Sweeps;

/// <summary>A trial with what its run says now: the run (null before its launch, or for an invalid trial) and its objective's scores by epoch.</summary>
/// <param name="Objective">The objective's value (the run's final value, or its latest); null when it has none yet.</param>
/// <param name="Scores">The objective curve as scores (higher better), epoch 1 first.</param>
/// <param name="Values">The objective curve as recorded, epoch 1 first.</param>
public sealed record TrialSnapshot(StoredTrial Trial, RunRecord? Run, double? Objective, IReadOnlyList<double> Scores, IReadOnlyList<double> Values)
{
    /// <summary>Whether the trial needs nothing more: refused, or its run ended.</summary>
    public bool IsDone => Trial.Invalid is not null || (Run is not null && RunStates.IsTerminal(Run.State));
}
