using Microsoft.AspNetCore.Http.HttpResults;
using Platform.ServiceDefaults.Diagnostics;

namespace Platform.Ingest.Apis;

public static class DiagnosticsApi
{
    public static RouteGroupBuilder MapDiagnosticsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/diagnostics").WithTags("Diagnostics");
        api.MapPost("/wiring-probe", RequestWiringProbe)
            .WithName("RequestWiringProbe")
            .WithSummary("Write a probe blob and ask every service to read it back over the message bus")
            .WithDescription("The answers are collected by the tracker: GET /diagnostics/wiring-probes/{probeId} there.");
        return api;
    }

    public static async Task<Accepted<WiringProbeAccepted>> RequestWiringProbe(
        WiringProbeRequester requester,
        CancellationToken cancellationToken)
    {
        var probe = await requester.RequestAsync(cancellationToken);
        return TypedResults.Accepted(
            $"/diagnostics/wiring-probes/{probe.ProbeId}",
            new WiringProbeAccepted(probe.ProbeId, probe.BlobContainer, probe.BlobName));
    }
}
