namespace Platform.Contracts;

/// <summary>Event: a run stopped because it was cancelled; its last checkpoint stays, so it can be resumed.</summary>
public sealed record RunCancelled(Guid RunId, string Reason, DateTimeOffset CancelledAt);
