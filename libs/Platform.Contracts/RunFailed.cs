namespace Platform.Contracts;

/// <summary>Event: a run failed for good (invalid configuration or dataset, or retries exhausted).</summary>
/// <param name="Launch">The <see cref="TrainModel.Launch"/> that failed; 0 from trainers before launches were sent (always applied).</param>
public sealed record RunFailed(Guid RunId, string Reason, string? Detail, DateTimeOffset FailedAt, int Launch = 0);
