using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Writes a readiness report that says which dependency is unhealthy and why, so an operator does not
/// have to read logs to learn that, say, blob storage is unreachable.
/// </summary>
internal static class HealthReportWriter
{
    private const string Starting = "Starting";

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

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
        var body = new
        {
            status = starting && report.Status != HealthStatus.Unhealthy ? Starting : report.Status.ToString(),
            durationMs = report.TotalDuration.TotalMilliseconds,
            checks = report.Entries.Select(entry => new
            {
                name = entry.Key,
                status = StartupHealthGrace.IsStartingResult(entry.Value) ? Starting : entry.Value.Status.ToString(),
                description = entry.Value.Description ?? entry.Value.Exception?.Message,
                durationMs = entry.Value.Duration.TotalMilliseconds,
                tags = entry.Value.Tags,
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Options));
    }
}
