namespace Platform.Trainer.Jobs;

/// <summary>A request to cancel a run, kept beside its lease until the run ends or is resumed.</summary>
public sealed record CancelRequest(string Reason, DateTimeOffset RequestedAt);
