using System.Text.Json;

namespace Platform.Tracker.Runs;

/// <summary>Where a run started through the API comes from, recorded with it: a remedy of another run, or a sweep's trial.</summary>
/// <param name="ParentRunId">The run a remedy run remedies.</param>
/// <param name="RemedyOf">The parent's finding and remedy (<c>overfitting#0</c>).</param>
/// <param name="SweepId">The sweep the run is a trial of.</param>
/// <param name="SweepTrial">The trial's number in the sweep.</param>
/// <param name="SweepParameters">The parameters the sweep sampled for the trial.</param>
public sealed record RunLineage(
    Guid? ParentRunId = null,
    string? RemedyOf = null,
    Guid? SweepId = null,
    int? SweepTrial = null,
    IReadOnlyDictionary<string, JsonElement>? SweepParameters = null);
