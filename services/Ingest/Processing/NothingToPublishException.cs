using Platform.Contracts.Datasets;

namespace Platform.Ingest.Processing;

/// <summary>The ingest found nothing to publish; the report says what was rejected and why.</summary>
public sealed class NothingToPublishException(string message, IngestReport report) : Exception(message)
{
    public IngestReport Report { get; } = report;
}
