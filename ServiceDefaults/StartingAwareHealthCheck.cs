using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>Wraps one readiness check; the factory makes one per probe, so what it learns lives in <see cref="StartupHealthGrace"/>.</summary>
internal sealed class StartingAwareHealthCheck(string name, IHealthCheck inner, StartupHealthGrace grace) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = await inner.CheckHealthAsync(context, cancellationToken);
        if (result.Status == HealthStatus.Healthy)
        {
            grace.Passed(name);
        }
        if (result.Status != HealthStatus.Unhealthy || !grace.IsStarting(name))
        {
            return result;
        }
        var data = new Dictionary<string, object>(result.Data) { [StartupHealthGrace.StartingKey] = true };
        return HealthCheckResult.Degraded($"Starting: {result.Description ?? result.Exception?.Message ?? "not ready yet"}", exception: null, data);
    }
}
