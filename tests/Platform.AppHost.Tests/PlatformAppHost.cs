using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Platform.AppHost.Tests;

/// <summary>The whole suite started through the real AppHost, its backing services as local processes.</summary>
public sealed class PlatformAppHost : IAsyncDisposable
{
    public static readonly string[] Services = ["ingest", "trainer", "tracker", "inference"];
    public static readonly string[] BackingProcesses = ["redis-server", "epmd", "rabbitmq", "azurite"];
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    private int stopped;

    private PlatformAppHost(DistributedApplication app, string dataFolder, TimeSpan coldStart)
    {
        App = app;
        DataFolder = dataFolder;
        ColdStart = coldStart;
    }

    public DistributedApplication App { get; }

    /// <summary>This run's backing-service data; every backing process works inside it.</summary>
    public string DataFolder { get; }

    /// <summary>From building the AppHost to every service reporting healthy.</summary>
    public TimeSpan ColdStart { get; }

    public static async Task<PlatformAppHost> StartInLocalProcessModeAsync()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var dataFolder = Path.Combine(Path.GetTempPath(), "platform-apphost-tests", Guid.NewGuid().ToString("N")[..12]);
        var stopwatch = Stopwatch.StartNew();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Platform_AppHost>(
            ["BackingServices:Mode=processes", $"BackingServices:DataFolder={dataFolder}"],
            (options, _) => options.DisableDashboard = true,
            timeout.Token);
        var app = await builder.BuildAsync(timeout.Token);
        try
        {
            await app.StartAsync(timeout.Token);
            await Task.WhenAll(Services.Select(service => app.ResourceNotifications.WaitForResourceHealthyAsync(service, timeout.Token)));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new PlatformAppHost(app, dataFolder, stopwatch.Elapsed);
    }

    public HealthStatus? HealthOf(string resource) =>
        App.ResourceNotifications.TryGetCurrentState(resource, out var resourceEvent) ? resourceEvent.Snapshot.HealthStatus : null;

    /// <summary>Process ids the orchestrator reports for the services and backing servers.</summary>
    public IReadOnlyDictionary<string, int> ProcessIds() =>
        Services.Concat(BackingProcesses)
            .Select(name => (name, pid: App.ResourceNotifications.TryGetCurrentState(name, out var resourceEvent)
                ? resourceEvent.Snapshot.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value
                : null))
            .Where(entry => entry.pid is not null)
            .ToDictionary(entry => entry.name, entry => Convert.ToInt32(entry.pid));

    /// <summary>Stops the suite; a test that stopped it already leaves nothing for the fixture to do.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref stopped, 1) == 1)
        {
            return;
        }
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
