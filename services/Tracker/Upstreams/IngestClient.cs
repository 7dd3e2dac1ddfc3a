using Platform.Contracts.Datasets;

namespace Platform.Tracker.Upstreams;

/// <summary>The ingest service's datasets, read for the UI's datasets page (names and keys are checked by the caller before they get here).</summary>
public sealed class IngestClient(HttpClient http, IConfiguration configuration, ILogger<IngestClient> logger)
    : UpstreamService(http, configuration, logger, ServiceName, "ingest")
{
    public const string ServiceName = "ingest";

    /// <summary>Ingest re-encodes thumbnails at 96 px a side or less: far below this bound.</summary>
    public const int MaxThumbnailBytes = 256 * 1024;

    public Task<UpstreamAnswer<IReadOnlyList<DatasetSummary>>> ListDatasetsAsync(CancellationToken cancellationToken) =>
        GetJsonAsync<IReadOnlyList<DatasetSummary>>("/datasets", cancellationToken);

    public Task<UpstreamAnswer<DatasetDetails>> GetDatasetAsync(string name, CancellationToken cancellationToken) =>
        GetJsonAsync<DatasetDetails>($"/datasets/{Uri.EscapeDataString(name)}", cancellationToken);

    public Task<UpstreamAnswer<DatasetVersionRecord>> GetVersionAsync(string name, int version, CancellationToken cancellationToken) =>
        GetJsonAsync<DatasetVersionRecord>($"/datasets/{Uri.EscapeDataString(name)}/versions/{version}", cancellationToken);

    public Task<UpstreamAnswer<byte[]>> GetThumbnailAsync(string name, int version, string key, CancellationToken cancellationToken) =>
        GetBytesAsync($"/datasets/{Uri.EscapeDataString(name)}/versions/{version}/thumbnails/{Uri.EscapeDataString(key)}", "image/jpeg",
            MaxThumbnailBytes, cancellationToken);
}
