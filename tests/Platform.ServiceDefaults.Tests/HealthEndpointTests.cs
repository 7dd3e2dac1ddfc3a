using Platform.Contracts.Health;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults.Tests;

public sealed class HealthEndpointTests
{
    private const string HealthCheckLog = "Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService";

    [Fact]
    public async Task Readiness_fails_and_names_the_dependency_when_blob_storage_and_the_broker_are_unreachable_while_liveness_holds()
    {
        await using var app = await StartWithUnreachableDependenciesAsync(gracePeriod: "00:00:00");

        using var alive = await app.Client.GetAsync("/alive");
        using var health = await app.Client.GetAsync("/health");
        var checks = await ChecksAsync(health);

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HealthStates.Unhealthy, checks["blobs"].GetProperty("status").GetString());
        Assert.Contains("unreachable", checks["blobs"].GetProperty("description").GetString());
        Assert.NotEqual(HealthStates.Healthy, checks["masstransit-bus"].GetProperty("status").GetString());
        // Past start-up, a failing dependency is an error worth a badge.
        Assert.Contains(app.Logs.Entries, entry => entry.Category == HealthCheckLog && entry.Level == LogLevel.Error && entry.Message.Contains("blobs"));
    }

    [Fact]
    public async Task While_starting_unreachable_dependencies_keep_readiness_at_503_as_starting_without_logging_errors()
    {
        await using var app = await StartWithUnreachableDependenciesAsync(gracePeriod: null);

        using var health = await app.Client.GetAsync("/health");
        var checks = await ChecksAsync(health);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HealthStates.Starting, checks["blobs"].GetProperty("status").GetString());
        Assert.Equal(HealthStates.Starting, checks["masstransit-bus"].GetProperty("status").GetString());
        Assert.Contains("unreachable", checks["blobs"].GetProperty("description").GetString());
        Assert.DoesNotContain(app.Logs.Entries, entry => entry.Category == HealthCheckLog && entry.Level >= LogLevel.Error);
    }

    /// <param name="gracePeriod">HealthChecks:StartupGracePeriod, or null for the default.</param>
    private static Task<TestApp> StartWithUnreachableDependenciesAsync(string? gracePeriod)
    {
        var closedPort = ClosedPort();
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:blobs"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
                + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
                + $"BlobEndpoint=http://127.0.0.1:{closedPort}/devstoreaccount1;",
            ["ConnectionStrings:messaging"] = $"amqp://guest:guest@127.0.0.1:{closedPort}/",
        };
        if (gracePeriod is not null)
        {
            settings["HealthChecks:StartupGracePeriod"] = gracePeriod;
        }
        return TestApp.StartAsync(settings, configure: builder =>
        {
            builder.AddPlatformBlobStorage();
            builder.AddPlatformMessaging("test");
        });
    }

    private static async Task<Dictionary<string, JsonElement>> ChecksAsync(HttpResponseMessage health)
    {
        using var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        return report.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(check => check.GetProperty("name").GetString()!, check => check.Clone());
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
