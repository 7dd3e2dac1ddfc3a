using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Platform.Inference.Serving;

/// <summary>Ready only when the recorded promotions have been read and every version an alias points at is loaded.</summary>
public sealed class ModelsReadyHealthCheck(ModelRegistry registry) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!registry.StartupComplete)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The promotions recorded before start are still being read."));
        }
        var pending = registry.PendingPromotions();
        return Task.FromResult(pending.Count == 0
            ? HealthCheckResult.Healthy($"{registry.Models.Count} model(s) ready.")
            : HealthCheckResult.Unhealthy($"Not loaded yet: {string.Join(", ", pending)}."));
    }
}
