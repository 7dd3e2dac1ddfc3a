using Platform.Contracts.Models;

namespace Platform.Tracker.Upstreams;

/// <summary>The inference service's <c>GET /status</c>: what each replica-local alias serves, loaded versions and shadow agreement.</summary>
public sealed class InferenceClient(HttpClient http, IConfiguration configuration, ILogger<InferenceClient> logger)
    : UpstreamService(http, configuration, logger, ServiceName, "inference")
{
    public const string ServiceName = "inference";

    public Task<UpstreamAnswer<InferenceStatus>> GetStatusAsync(CancellationToken cancellationToken) =>
        GetJsonAsync<InferenceStatus>("/status", cancellationToken);
}
