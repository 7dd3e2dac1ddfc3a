namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Bound from <c>BlobStorage:Retry</c>: the Azure SDK's own retries of one blob call, before the caller's outage
/// handling (the trainer's <c>Trainer:StorageOutageTolerance</c>, ingest's failed version) takes over. The defaults are
/// the SDK's exponential backoff from 0.8 s over four retries: about 12 s before a call gives up.
/// </summary>
public sealed class BlobStorageRetryOptions : ISelfValidatingOptions
{
    public const string Section = "BlobStorage:Retry";

    public int MaxRetries { get; set; } = 4;

    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(0.8);

    public IEnumerable<string> Violations()
    {
        if (MaxRetries is < 0 or > 10)
        {
            yield return $"{Section}:MaxRetries must be between 0 and 10 (was {MaxRetries}).";
        }
        if (Delay <= TimeSpan.Zero || Delay > TimeSpan.FromMinutes(1))
        {
            yield return $"{Section}:Delay must be above zero and at most one minute (was {Delay}).";
        }
    }
}
