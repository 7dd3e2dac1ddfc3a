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
    /// (HTTP, messaging) stay out of it.
    /// </summary>
    private static void AddTrackerExport(this IHostApplicationBuilder builder)
    {
        var endpoint = builder.Configuration[$"{TrainerOptions.SectionName}:{nameof(TrainerOptions.TrackerOtlpEndpoint)}"];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return;
        }
        var exporter = new OtlpTraceExporter(new OtlpExporterOptions
        {
            Endpoint = new Uri(new Uri(endpoint), "/v1/traces"),
            Protocol = OtlpExportProtocol.HttpProtobuf,
        });
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing =>
            tracing.AddProcessor(new BatchActivityExportProcessor(new SourceFilteringExporter(TrainingTelemetry.SourceName, exporter),
                scheduledDelayMilliseconds: 1000)));
    }
}
