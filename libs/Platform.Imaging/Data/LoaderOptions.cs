namespace Platform.Imaging.Data;

/// <summary>
/// DataLoader settings. Workers = 0 runs everything on the consuming thread. PrefetchBatches bounds memory: at
/// most that many batches are materialised ahead of the batch the consumer holds.
/// </summary>
public sealed record LoaderOptions(int BatchSize = 64, bool DropLast = false, int Seed = 0, int Workers = 2, int PrefetchBatches = 4)
{
    public LoaderOptions Validated()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegative(Workers, nameof(Workers));
        ArgumentOutOfRangeException.ThrowIfLessThan(PrefetchBatches, 1, nameof(PrefetchBatches));
        return this;
    }
}
