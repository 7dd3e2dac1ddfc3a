using Aspire.Hosting.Testing;
using Platform.AppHost.BackingServices;

namespace Platform.AppHost.Tests;

public sealed class AppHostLifecycleTests
{
    [Fact]
    public async Task A_missing_backing_service_binary_fails_the_apphost_with_what_to_install()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Platform_AppHost>(
                ["BackingServices:Mode=processes", "BackingServices:RedisServer=/nonexistent/redis-server"],
                (options, _) => options.DisableDashboard = true,
                timeout.Token);
            await using var app = await builder.BuildAsync(timeout.Token);
            await app.StartAsync(timeout.Token);
        });

        var cause = Assert.IsType<BackingServicesException>(Unwrap(error));
        Assert.Contains("redis-server", cause.Message);
        Assert.Contains("apt-get install redis-server", cause.Message);
        Assert.Contains("scripts/setup.sh", cause.Message);
        Assert.False(timeout.IsCancellationRequested, "the failure must come at once, not after a wait");
    }

    [Fact]
    public async Task External_mode_without_connection_strings_names_the_missing_ones()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Platform_AppHost>(
                ["BackingServices:Mode=external", "ConnectionStrings:redis=127.0.0.1:6379"],
                (options, _) => options.DisableDashboard = true,
                timeout.Token);
            await using var app = await builder.BuildAsync(timeout.Token);
        });

        var cause = Assert.IsType<BackingServicesException>(Unwrap(error));
        Assert.Contains("ConnectionStrings:messaging", cause.Message);
        Assert.Contains("ConnectionStrings:blobs", cause.Message);
        Assert.DoesNotContain("ConnectionStrings:redis,", cause.Message);
    }

    private static Exception Unwrap(Exception error)
    {
        while (error is not BackingServicesException && error.InnerException is not null)
        {
            error = error.InnerException;
        }
        return error;
    }
}
