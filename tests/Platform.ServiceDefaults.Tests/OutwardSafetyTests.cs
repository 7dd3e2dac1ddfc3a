using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults.Tests;

public sealed class OutwardSafetyTests
{
    [Fact]
    public async Task Every_answer_success_or_error_forbids_content_sniffing()
    {
        await using var app = await TestApp.StartAsync(map: web =>
        {
            web.MapGet("/ok", () => "<html><script>alert(1)</script></html>");
            web.MapGet("/fails", string () => throw new InvalidOperationException("boom"));
        });

        foreach (var path in new[] { "/ok", "/fails", "/no-such-route", "/alive" })
        {
            using var response = await app.Client.GetAsync(path);
            Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var values), path);
            Assert.Equal(["nosniff"], values);
        }
    }

    [Fact]
    public void MassTransit_usage_telemetry_is_off_so_no_service_calls_an_address_the_operator_did_not_configure()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:messaging"] = "amqp://guest:guest@127.0.0.1:1/" });
        builder.AddPlatformMessaging("test");
        using var host = builder.Build();

        Assert.False(host.Services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled);
    }
}
