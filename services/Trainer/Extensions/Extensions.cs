using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;
using Platform.Trainer.Diagnostics;
using Platform.Trainer.Jobs;
using Platform.Trainer.Storage;
using Platform.Trainer.Telemetry;
using Platform.Trainer.Consumers;

namespace Platform.Trainer.Extensions;

internal static class Extensions
{
    public const string ServiceName = "trainer";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformBlobStorage();
        builder.AddPlatformMessaging(ServiceName, bus =>
        {
            bus.AddConsumer<TrainModelConsumer>(typeof(TrainModelConsumerDefinition));
            bus.AddConsumer<CancelTrainingConsumer>();
        });

        builder.Services.AddValidatedOptions<TrainerOptions>(TrainerOptions.SectionName);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<JobLeases>();
        builder.Services.AddSingleton<RunningJobs>();
        builder.Services.AddSingleton<DatasetCache>();
        builder.Services.AddSingleton<ModelPackageWriter>();
        builder.Services.AddSingleton<TrainingJob>();
        builder.Services.AddSingleton<TrainingTelemetry>();

        builder.Services.AddSingleton<TorchRuntime>();
        builder.Services.AddHealthChecks().AddCheck<TorchRuntimeHealthCheck>("torch", tags: [Microsoft.Extensions.Hosting.Extensions.ReadinessTag]);

        builder.AddTrackerExport();
    }

    /// <summary>
    /// Besides the dashboard, training spans go to the tracker's OTLP receiver, which keeps them durably; other spans
    /// (HTTP, messaging) stay out of it. The exporter hands each batch to the <see cref="TelemetrySpool"/> on disk, and the
    /// <see cref="TelemetryForwarder"/> re-sends it until the tracker acknowledges it: a tracker down for minutes loses no point.
    /// </summary>
    private static void AddTrackerExport(this IHostApplicationBuilder builder)
    {
        var endpoint = builder.Configuration[$"{TrainerOptions.SectionName}:{nameof(TrainerOptions.TrackerOtlpEndpoint)}"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return;
        }
        var settings = builder.Configuration.GetSection(TrainerOptions.SectionName).Get<TrainerOptions>() ?? new TrainerOptions();
        var tracesEndpoint = new Uri(new Uri(endpoint), "/v1/traces");
        // One folder per tracker address: batches wait for the tracker they were meant for, and trainers of different suites on one
        // machine never wait on each other's.
        var perTracker = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(tracesEndpoint.ToString())))[..16];
        var spool = new TelemetrySpool(Path.Combine(settings.ResolvedTelemetrySpoolFolder, perTracker), settings.TelemetrySpoolMaxBytes);
        builder.Services.AddSingleton(spool);
        builder.Services.AddSingleton(services => new TelemetryForwarder(spool, tracesEndpoint, services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<TelemetryForwarder>>()));
        builder.Services.AddHostedService(services => services.GetRequiredService<TelemetryForwarder>());
        builder.Services.ConfigureOpenTelemetryTracerProvider((services, tracing) =>
        {
            var logger = services.GetRequiredService<ILogger<TelemetrySpool>>();
            var exporter = new OtlpTraceExporter(new OtlpExporterOptions
            {
                Endpoint = tracesEndpoint,
                Protocol = OtlpExportProtocol.HttpProtobuf,
                HttpClientFactory = () => new HttpClient(new SpoolingHandler(spool, dropped =>
                    logger.LogWarning("Training telemetry over Trainer:TelemetrySpoolMaxBytes ({Bytes} bytes) while the tracker is away: {Dropped} oldest batch(es) dropped",
                        spool.MaxBytes, dropped))),
            });
            tracing.AddProcessor(new BatchActivityExportProcessor(new SourceFilteringExporter(TrainingTelemetry.SourceName, exporter),
                scheduledDelayMilliseconds: 1000));
        });
    }
}
