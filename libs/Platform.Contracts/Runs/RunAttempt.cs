namespace Platform.Contracts.Runs;

/// <summary>One attempt at a run as a trainer announced it: where it started (epoch and time), on what, and why it started.</summary>
/// <param name="Why">"first attempt", a takeover from a trainer that stopped, a retry after an interruption, or a resume on request.</param>
public sealed record RunAttempt(int Attempt, int StartEpoch, string? Device, DateTimeOffset StartedAt, string Why);
