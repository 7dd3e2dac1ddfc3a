namespace Platform.Contracts;

/// <summary>Command: stop a run within one batch and record it as cancelled.</summary>
public sealed record CancelTraining(Guid RunId, string Reason, DateTimeOffset RequestedAt);
