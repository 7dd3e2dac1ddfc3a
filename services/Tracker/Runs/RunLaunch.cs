using Platform.Contracts.Runs;

namespace Platform.Tracker.Runs;

/// <summary>What starting a run came to: the run, queued; or the request's problems; or a broker that did not take the command.</summary>
/// <param name="Errors">Every problem of the request, keyed by field (nothing was recorded).</param>
/// <param name="BrokerUnavailable">Why the training command could not be sent (nothing was recorded; try again).</param>
public sealed record RunLaunch(RunRecord? Run, Dictionary<string, string[]>? Errors, string? BrokerUnavailable);
