using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Platform.AppHost.Dashboard;

namespace Platform.AppHost.Tests;

/// <summary>
/// The tracker is given ingest's and inference's addresses (service discovery) and the dashboard's, whatever the backing-services
/// mode: the model is built, not started. Containers mode refuses to build without a container runtime, and takes the same lines.
/// </summary>
public sealed class TrackerReferencesTests
{
    private const string DashboardAddress = "http://127.0.0.1:15999";

    [Theory]
    [InlineData("processes")]
    [InlineData("external")]
    public async Task The_tracker_gets_ingest_inference_and_the_dashboard_in_every_mode_that_builds_here(string mode)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Platform_AppHost>(
            [$"BackingServices:Mode={mode}", $"ASPNETCORE_URLS={DashboardAddress}", "ConnectionStrings:redis=127.0.0.1:1",
                "ConnectionStrings:messaging=amqp://guest:guest@127.0.0.1:1/", "ConnectionStrings:blobs=UseDevelopmentStorage=true"],
            (options, _) => options.DisableDashboard = true,
            timeout.Token);
        var tracker = builder.Resources.OfType<ProjectResource>().Single(resource => resource.Name == "tracker");

        var environment = new EnvironmentCallbackContext(builder.ExecutionContext, tracker, cancellationToken: timeout.Token);
        foreach (var callback in tracker.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(environment);
        }

        Assert.Contains("services__ingest__http__0", environment.EnvironmentVariables.Keys);
        Assert.Contains("services__inference__http__0", environment.EnvironmentVariables.Keys);
        Assert.Equal(DashboardAddress, environment.EnvironmentVariables[DashboardLinks.TrackerVariable]);
    }
}
