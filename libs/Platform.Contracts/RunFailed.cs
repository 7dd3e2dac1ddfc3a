namespace Platform.Contracts;

/// <summary>Event: a run failed for good (invalid configuration or dataset, or retries exhausted).</summary>
public sealed record RunFailed(Guid RunId, string Reason, string? Detail, DateTimeOffset FailedAt);
