namespace Platform.Ingest.Sources;

/// <summary>
/// Where an ingest reads from. It is read twice: once to validate and label everything, once to write the
/// accepted samples, so that no more than one file is held in memory at a time.
/// </summary>
public interface IIngestSource : IDisposable
{
    string Description { get; }

    /// <summary>1 for sources that are grayscale by nature (IDX), else 3.</summary>
    int NaturalChannels { get; }

    IEnumerable<SourceItem> Read(CancellationToken cancellationToken);

    /// <summary>The class order the source itself defines (CIFAR's meta file), known once it has been read; null if none.</summary>
    IReadOnlyList<string>? ClassOrder => null;
}
