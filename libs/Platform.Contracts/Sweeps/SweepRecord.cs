namespace Platform.Contracts.Sweeps;

/// <summary>A sweep as <c>GET /sweeps</c> and <c>GET /sweeps/{id}</c> show it (the JSON shape is in docs/sweeps.md).</summary>
/// <param name="State">One of <see cref="SweepStates"/>.</param>
/// <param name="DatasetVersion">The dataset version every trial trains on, resolved when the sweep was created.</param>
/// <param name="TrialsPlanned">Trials the sweep will run in all (maxTrials, or the grid's size).</param>
/// <param name="EpochsTrained">Epochs trained by all trials together (what early stopping saves).</param>
/// <param name="Best">The best completed trial so far; null until one completes.</param>
public sealed record SweepRecord(
    Guid Id,
    string State,
    string? Reason,
    SweepSpec Spec,
    int DatasetVersion,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EndedAt,
    int TrialsPlanned,
    int EpochsTrained,
    IReadOnlyList<SweepTrial> Trials,
    SweepBest? Best);
