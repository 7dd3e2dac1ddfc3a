using Platform.Ingest.Datasets;
using Platform.Ingest.Processing;

namespace Platform.Ingest.Extensions;

internal static class Extensions
{
    public const string ServiceName = "ingest";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformBlobStorage();
        builder.AddPlatformMessaging(ServiceName, bus => bus.AddConsumer<DatasetUsageConsumer>());

        builder.Services.AddOptions<IngestOptions>().BindConfiguration(IngestOptions.SectionName)
            .Validate(o => o.MaxUploadBytes > 0 && o.MaxArchiveEntries > 0 && o.MaxFileBytes > 0 && o.MaxImagePixels > 0
                && o.MaxCompressionRatio > 1 && o.MaxQueuedIngests > 0 && o.ShardTargetBytes > 0
                && o.HeartbeatInterval > TimeSpan.Zero && o.AbandonedAfter > o.HeartbeatInterval,
                "Ingest limits must be positive, and AbandonedAfter longer than HeartbeatInterval.")
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DatasetStore>();
        builder.Services.AddSingleton<IngestQueue>();
        builder.Services.AddSingleton<IngestPipeline>();
        builder.Services.AddHostedService<IngestWorker>();
        builder.Services.AddHostedService<AbandonedIngestSweeper>();
        // Uploads are streamed to disk by the endpoint, which enforces Ingest:MaxUploadBytes itself.
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = null);
    }
}
