using Platform.Tracker.Diagnostics;
using Platform.Tracker.Registry;
using Platform.Tracker.Runs;
using Platform.Tracker.Consumers;
using Platform.Tracker.Sweeps;
using Platform.Tracker.Upstreams;

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
        builder.Services.AddSingleton<MisclassifiedGalleryReader>();
        builder.Services.AddSingleton<RunSummaryCache>();
        builder.Services.AddHostedService<RunSummaryWarmup>();
        builder.Services.AddSingleton<ModelRegistry>();
        builder.Services.AddSingleton<ModelPackageCheck>();
        builder.Services.AddSingleton<RunLauncher>();

        builder.Services.AddValidatedOptions<SweepOptions>(SweepOptions.SectionName);
        builder.Services.AddSingleton<SweepStore>();
        builder.Services.AddSingleton<SweepReader>();
        builder.Services.AddSingleton<SweepDriver>();
        builder.Services.AddSingleton<SweepTelemetry>();
        builder.Services.AddSingleton<DatasetVersions>();
        builder.Services.AddHostedService<SweepController>();
        builder.AddUpstream<IngestClient>(IngestClient.ServiceName);
        builder.AddUpstream<InferenceClient>(InferenceClient.ServiceName);
        builder.Services.AddValidatedOptions<TrackerUiOptions>(TrackerUiOptions.SectionName);
    }

    /// <summary>
    /// A client for another service, found by service discovery. A page waits on it, so it fails fast: one retry, five seconds an
    /// attempt, rather than the defaults' three retries with back-off (half a minute before a page learns the service is down).
    /// </summary>
    private static void AddUpstream<TClient>(this IHostApplicationBuilder builder, string serviceName) where TClient : UpstreamService
    {
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental; it replaces the service defaults' handler for this client only.
        builder.Services.AddHttpClient<TClient>(http =>
            {
                http.BaseAddress = new Uri($"http://{serviceName}");
                http.MaxResponseContentBufferSize = UpstreamService.MaxAnswerBytes;
            })
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler(resilience =>
            {
                resilience.Retry.MaxRetryAttempts = 1;
                resilience.Retry.Delay = TimeSpan.FromMilliseconds(200);
                resilience.AttemptTimeout.Timeout = TimeSpan.FromSeconds(5);
                resilience.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(10);
                resilience.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(12);
            });
#pragma warning restore EXTEXP0001
    }
}
