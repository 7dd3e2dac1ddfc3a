using Microsoft.Extensions.Options;
using Platform.Imaging;
using Platform.Imaging.Shards;
using Platform.Ingest.Datasets;
using Platform.Ingest.Sources;
using Platform.Imaging.Formats;
using Platform.Imaging.Formats.Shards;
using Platform.Imaging.Data;
using Platform.Contracts.Datasets;

namespace Platform.Ingest.Processing;

/// <summary>The ingest found nothing to publish; the report says what was rejected and why.</summary>
public sealed class NothingToPublishException(string message, IngestReport report) : Exception(message)
{
    public IngestReport Report { get; } = report;
}
