using Platform.Ingest.Datasets;
using Platform.Ingest.Processing;
using Platform.Ingest.Consumers;
using Platform.Ingest.Health;

namespace Platform.Ingest.Extensions;

internal static class Extensions
{
    public const string ServiceName = "ingest";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformBlobStorage();
        builder.AddPlatformMessaging(ServiceName, bus => bus.AddConsumer<DatasetUsageConsumer>());

        builder.Services.AddValidatedOptions<IngestOptions>(IngestOptions.SectionName);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DatasetStore>();
        builder.Services.AddSingleton<IngestQueue>();
        builder.Services.AddSingleton<ImageEmbedderProvider>();
        builder.Services.AddSingleton<HealthCheck>();
        builder.Services.AddSingleton<IngestPipeline>();
        builder.Services.AddHostedService<IngestWorker>();
        builder.Services.AddHostedService<AbandonedIngestSweeper>();
        // Uploads are streamed to disk by the endpoint, which enforces Ingest:MaxUploadBytes itself.
        builder.Services.Configure<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>(kestrel => kestrel.Limits.MaxRequestBodySize = null);
    }
}
