namespace Platform.Contracts;

/// <summary>Event: a run stopped because it was cancelled; its last checkpoint stays, so it can be resumed.</summary>
/// <param name="Launch">The <see cref="TrainModel.Launch"/> that stopped; 0 from trainers before launches were sent (always applied).</param>
public sealed record RunCancelled(Guid RunId, string Reason, DateTimeOffset CancelledAt, int Launch = 0);
