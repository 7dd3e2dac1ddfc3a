using Microsoft.Extensions.Options;
using Platform.Inference.Serving;
using Platform.Inference.Telemetry;
using Platform.OnnxRuntime;
using Platform.Inference.Consumers;

namespace Platform.Inference.Extensions;

internal static class Extensions
{
    public const string ServiceName = "inference";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformBlobStorage();
        builder.AddPlatformMessaging(ServiceName, bus =>
        {
            bus.AddConsumer<ModelPromotionRecorder>();
            bus.AddConsumer<ModelPromotedConsumer>().Endpoint(endpoint =>
            {
                endpoint.InstanceId = Guid.NewGuid().ToString("N")[..12];
                endpoint.Temporary = true;
                endpoint.ConcurrentMessageLimit = 1;
            });
        });

        builder.Services.AddValidatedOptions<InferenceOptions>(InferenceOptions.SectionName);
        builder.Services.AddSingleton<InferenceTelemetry>();
        builder.Services.AddSingleton(services => CreateSessionFactory(
            services.GetRequiredService<IOptions<InferenceOptions>>().Value, services.GetRequiredService<ILogger<OnnxSessionFactory>>()));
        builder.Services.AddSingleton<ModelPackageReader>();
        builder.Services.AddSingleton<PromotionStore>();
        builder.Services.AddSingleton<ModelRegistry>();
        builder.Services.AddSingleton<Predictor>();
        builder.Services.AddHostedService<StartupModelLoader>();
        builder.Services.AddHealthChecks().AddCheck<ModelsReadyHealthCheck>("models", tags: [Microsoft.Extensions.Hosting.Extensions.ReadinessTag]);
    }

    /// <summary>The execution provider is chosen here, once for the service; the log says which and, when not CUDA, why.</summary>
    private static OnnxSessionFactory CreateSessionFactory(InferenceOptions options, ILogger logger)
    {
        var factory = new OnnxSessionFactory(options.SessionOptions());
        logger.LogInformation("ONNX Runtime {Version}: {Provider} provider, {Threads} intra-op threads. {Reason}",
            OnnxSessionFactory.RuntimeVersion, factory.Provider, factory.Options.ResolvedIntraOpThreads, factory.FallbackReason);
        return factory;
    }
}
