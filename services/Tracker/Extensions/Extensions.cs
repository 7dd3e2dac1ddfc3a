using Platform.Tracker.Diagnostics;
using Platform.Tracker.Registry;
using Platform.Tracker.Runs;
using Platform.Tracker.Consumers;

namespace Platform.Tracker.Extensions;

internal static class Extensions
{
    public const string ServiceName = "tracker";
    public const string RedisConnectionName = "redis";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient(RedisConnectionName);
        builder.AddPlatformBlobStorage();
        builder.AddPlatformMessaging(ServiceName, bus =>
        {
            bus.AddConsumer<WiringProbeAnsweredConsumer>();
            bus.AddConsumer<ModelTrainedConsumer>();
            bus.AddConsumer<RunFailedConsumer>();
            bus.AddConsumer<RunCancelledConsumer>();
        });
        builder.Services.AddSingleton<WiringProbeStore>();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<RunStore>();
        builder.Services.AddSingleton<CurveReader>();
        builder.Services.AddSingleton<RunSummaryCache>();
        builder.Services.AddHostedService<RunSummaryWarmup>();
        builder.Services.AddSingleton<ModelRegistry>();
    }
}
