using Platform.Tracker.Diagnostics;

namespace Platform.Tracker.Extensions;

internal static class Extensions
{
    public const string ServiceName = "tracker";
    public const string RedisConnectionName = "redis";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient(RedisConnectionName);
        builder.AddPlatformBlobStorage();
        builder.AddPlatformMessaging(ServiceName, bus => bus.AddConsumer<WiringProbeAnsweredConsumer>());
        builder.Services.AddSingleton<WiringProbeStore>();
    }
}
