using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Platform.ServiceDefaults.Tests;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Readiness_fails_and_names_the_dependency_when_blob_storage_and_the_broker_are_unreachable_while_liveness_holds()
    {
        var closedPort = ClosedPort();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["ConnectionStrings:blobs"] =
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
            + $"BlobEndpoint=http://127.0.0.1:{closedPort}/devstoreaccount1;";
        builder.Configuration["ConnectionStrings:messaging"] = $"amqp://guest:guest@127.0.0.1:{closedPort}/";
        builder.AddServiceDefaults();
        builder.AddPlatformBlobStorage();
        builder.AddPlatformMessaging("test");
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        using var client = new HttpClient { BaseAddress = new Uri(address) };

        using var alive = await client.GetAsync("/alive");
        using var health = await client.GetAsync("/health");
        using var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var checks = report.RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(check => check.GetProperty("name").GetString()!, check => check);
        Assert.Equal("Unhealthy", checks["blobs"].GetProperty("status").GetString());
        Assert.Contains("unreachable", checks["blobs"].GetProperty("description").GetString());
        Assert.NotEqual("Healthy", checks["masstransit-bus"].GetProperty("status").GetString());
        await app.StopAsync();
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
