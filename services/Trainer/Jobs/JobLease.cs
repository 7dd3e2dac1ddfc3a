namespace Platform.Trainer.Jobs;

/// <summary>
/// Who owns a run, until when, and how it ended, kept in <c>runs/{runId}/lease.json</c>. Every change is a
/// conditional write on the blob's ETag, so of two trainers that try to take a run only one succeeds, and an
/// owner that was too slow to renew learns that it lost the run.
/// </summary>
/// <param name="RequestedAt">When the TrainModel command behind this attempt was sent: a later one for a failed or cancelled run is a resume.</param>
public sealed record JobLease(Guid RunId, string Owner, JobState State, int Attempt, DateTimeOffset ExpiresAt, DateTimeOffset RequestedAt, string? Outcome)
{
    public bool IsTerminal => State is JobState.Completed or JobState.Failed or JobState.Cancelled;

    /// <summary>Whether a command sent at <paramref name="requestedAt"/> has nothing left to do: the run completed, or it ended after that command.</summary>
    public bool Settles(DateTimeOffset requestedAt) => State == JobState.Completed || (IsTerminal && requestedAt <= RequestedAt);
}
