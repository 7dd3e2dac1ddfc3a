using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A service that is still starting is not failing. The first probes run before MassTransit has connected, before
/// inference has loaded its models; ASP.NET Core logs every Unhealthy result at Error, so each start-up would leave
/// error badges on the dashboard. For a start-up grace period, and only until a check has passed once, an Unhealthy
/// readiness result is reported as "starting": Degraded (logged at Warning), without its exception, and
/// <c>/health</c> still answers 503 (see <see cref="HealthReportWriter"/>). After that, failures log at Error.
/// </summary>
internal sealed class StartupHealthGrace(TimeProvider clock, IOptions<StartupHealthGraceOptions> options) : IHostedService
{
    /// <summary>Marks a result in <see cref="HealthCheckResult.Data"/> as one of a check that has not passed yet.</summary>
    public const string StartingKey = "starting";

    private readonly ConcurrentDictionary<string, bool> passed = new();
    private long startedAt = clock.GetTimestamp();

    /// <summary>Whether the named check still counts as starting: it has never passed and the grace period lasts.</summary>
    public bool IsStarting(string check) =>
        !passed.ContainsKey(check) && clock.GetElapsedTime(startedAt) < options.Value.StartupGracePeriod;

    public void Passed(string check) => passed.TryAdd(check, true);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // The grace period counts from the host's start, not from the container's construction.
        startedAt = clock.GetTimestamp();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public static bool IsStartingResult(HealthReportEntry entry) => entry.Data.ContainsKey(StartingKey);
}
