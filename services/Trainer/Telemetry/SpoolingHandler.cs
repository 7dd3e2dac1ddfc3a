using System.Net;

namespace Platform.Trainer.Telemetry;

/// <summary>
/// The OTLP exporter's HTTP handler for the tracker: each export request is stored in the <see cref="TelemetrySpool"/> and
/// answered at once, as accepted; <see cref="TelemetryForwarder"/> sends it to the tracker until the tracker acknowledges it. The
/// exporter's own retries (about 10 s, then the batch is dropped) are thus never the last word when the tracker is down.
/// </summary>
public sealed class SpoolingHandler(TelemetrySpool spool, Action<int> onDropped) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var dropped = spool.Save(body);
        if (dropped > 0)
        {
            onDropped(dropped);
        }
        // An empty protobuf ExportTraceServiceResponse: full success.
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]), RequestMessage = request };
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, cancellationToken).GetAwaiter().GetResult();
}
