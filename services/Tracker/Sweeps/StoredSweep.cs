using Platform.Contracts.Sweeps;

namespace Platform.Tracker.Sweeps;

/// <summary>A sweep's own fields as stored (its trials are kept beside it).</summary>
public sealed record StoredSweep(
    Guid Id,
    string State,
    string? Reason,
    SweepSpec Spec,
    int DatasetVersion,
    int TrialsPlanned,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EndedAt,
    SweepBest? Best);
