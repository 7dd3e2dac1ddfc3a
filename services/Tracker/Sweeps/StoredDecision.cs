namespace Platform.Tracker.Sweeps;

/// <summary>An early-stopping decision about one trial at one epoch, stored once: a controller that asks again gets the same answer.</summary>
/// <param name="Score">The trial's score at the epoch (the objective, higher better).</param>
public sealed record StoredDecision(bool Prune, double Score, double? Threshold, int Compared, string Reason);
