using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Tracker.Diagnostics;

namespace Platform.Tracker.Apis;

public static class DiagnosticsApi
{
    public static RouteGroupBuilder MapDiagnosticsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/diagnostics").WithTags("Diagnostics");
        api.MapGet("/wiring-probes/{probeId:guid}", GetWiringProbe)
            .WithName("GetWiringProbe")
            .WithSummary("The answers each service gave to a wiring probe (requested through the ingest service)");
        return api;
    }

    public static async Task<Results<Ok<WiringProbeReport>, NotFound<string>>> GetWiringProbe(Guid probeId, WiringProbeStore store)
    {
        var answers = await store.GetAnswersAsync(probeId);
        return answers.Count == 0
            ? TypedResults.NotFound($"No service has answered wiring probe {probeId} yet (or it is older than a day).")
            : TypedResults.Ok(new WiringProbeReport(probeId, answers));
    }
}
