using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Platform.Trainer.Diagnostics;

public sealed class TorchRuntimeHealthCheck(TorchRuntime runtime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = runtime.Status;
        return Task.FromResult(status.Loaded
            ? HealthCheckResult.Healthy($"libtorch loaded; devices {string.Join(", ", status.Devices)}")
            : HealthCheckResult.Unhealthy($"libtorch unavailable: {status.Error}"));
    }
}
