using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Platform.Contracts;
using Platform.Contracts.Health;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Writes a readiness report that says which dependency is unhealthy and why, so an operator does not
/// have to read logs to learn that, say, blob storage is unreachable.
/// </summary>
internal static class HealthReportWriter
{
    private static readonly JsonSerializerOptions Options = new(ContractJson.Options) { WriteIndented = true };

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        // A check still starting reports Degraded so that it logs no error (StartupHealthGrace), but the service is
        // not ready yet: the AppHost's WaitFor and Container Apps must keep waiting. The status code is set before the
        // writer runs and can still change, since nothing has been written.
        var starting = report.Entries.Values.Any(StartupHealthGrace.IsStartingResult);
        if (starting)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }
        context.Response.ContentType = "application/json";
        var body = new HealthDocument(
            starting && report.Status != HealthStatus.Unhealthy ? HealthStates.Starting : State(report.Status),
            report.TotalDuration.TotalMilliseconds,
            report.Entries.Select(entry => new HealthCheckDocument(
                entry.Key,
                StartupHealthGrace.IsStartingResult(entry.Value) ? HealthStates.Starting : State(entry.Value.Status),
                entry.Value.Description ?? entry.Value.Exception?.Message,
                entry.Value.Duration.TotalMilliseconds,
                entry.Value.Tags.ToList())).ToList());
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Options));
    }

    private static string State(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => HealthStates.Healthy,
        HealthStatus.Degraded => HealthStates.Degraded,
        _ => HealthStates.Unhealthy,
    };
}
