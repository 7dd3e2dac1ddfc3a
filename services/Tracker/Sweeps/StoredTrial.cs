using System.Text.Json;

namespace Platform.Tracker.Sweeps;

/// <summary>
/// A trial as the controller keeps it in Redis: reserved (number, run id, parameters, request time) before its run is launched, then
/// marked published once <c>TrainModel</c> left; a controller that restarts launches a reserved, unpublished trial again under the
/// same run id and request time, so the trial is neither lost nor started twice.
/// </summary>
/// <param name="Invalid">Why the trainer's rules refused the sampled configuration (no run was started); null for a trial that runs.</param>
public sealed record StoredTrial(
    int Number,
    Guid RunId,
    IReadOnlyDictionary<string, JsonElement> Parameters,
    DateTimeOffset RequestedAt,
    bool Published,
    string? Invalid = null);
