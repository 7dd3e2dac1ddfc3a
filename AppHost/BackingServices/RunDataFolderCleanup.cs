using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Platform.AppHost.BackingServices;

/// <summary>Deletes the run's data once the application has stopped, i.e. after its servers were stopped.</summary>
internal sealed class RunDataFolderCleanup(RunDataFolder folder, IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(folder.Delete);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
