using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

internal static class StartupHealthGraceExtensions
{
    public static void AddStartupHealthGrace(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.Configure<StartupHealthGraceOptions>(builder.Configuration.GetSection(StartupHealthGraceOptions.Section));
        builder.Services.AddSingleton<StartupHealthGrace>();
        builder.Services.AddHostedService(services => services.GetRequiredService<StartupHealthGrace>());
        // PostConfigure: runs after every Configure, including MassTransit's, which adds the bus check there.
        builder.Services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations.Where(r => !r.Tags.Contains(Extensions.LivenessTag)))
            {
                var (name, create) = (registration.Name, registration.Factory);
                registration.Factory = services => new StartingAwareHealthCheck(name, create(services), services.GetRequiredService<StartupHealthGrace>());
            }
        });
    }
}
