using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
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
        builder.Services.AddSingleton<ShadowMirror>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ShadowMirror>());
        builder.Services.AddSingleton<Predictor>();
        builder.Services.AddHostedService<StartupModelLoader>();
        builder.Services.AddHealthChecks().AddCheck<ModelsReadyHealthCheck>("models", tags: [Microsoft.Extensions.Hosting.Extensions.ReadinessTag]);
    }

    /// <summary>
    /// The Open Inference Protocol's gRPC service, on an HTTP/2-only port of its own (<see cref="InferenceOptions.GrpcPort"/>) beside the
    /// REST addresses: Kestrel negotiates HTTP/2 on a shared cleartext port only through TLS. Listening in code replaces the addresses
    /// of ASPNETCORE_URLS / ASPNETCORE_HTTP_PORTS, so those are listened on here too, as HTTP/1.1 and HTTP/2.
    /// </summary>
    public static void AddOpenInferenceGrpc(this WebApplicationBuilder builder)
    {
        builder.Services.AddGrpc(grpc =>
        {
            var maxBody = (int)Math.Min(int.MaxValue, builder.Configuration.GetValue<long?>($"{InferenceOptions.SectionName}:{nameof(InferenceOptions.MaxBodyBytes)}")
                ?? new InferenceOptions().MaxBodyBytes);
            grpc.MaxReceiveMessageSize = maxBody;
        });
        if (builder.Configuration.GetValue<int?>($"{InferenceOptions.SectionName}:{nameof(InferenceOptions.GrpcPort)}") is not { } grpcPort)
        {
            return;
        }
        var addresses = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls
            ? urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : builder.Configuration[WebHostDefaults.HttpPortsKey] is { Length: > 0 } ports
                ? [.. ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(port => $"http://*:{port}")]
                : ["http://localhost:5000"];
        var bindings = addresses.Select(BindingAddress.Parse).ToList();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // An orchestrator that also lists the gRPC port among the service's URLs gets it once, as gRPC.
            foreach (var binding in bindings.Where(b => b.Port != grpcPort))
            {
                Listen(kestrel, binding.Host, binding.Port, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    if (binding.Scheme == Uri.UriSchemeHttps)
                    {
                        listen.UseHttps();
                    }
                });
            }
            Listen(kestrel, bindings.FirstOrDefault()?.Host ?? "localhost", grpcPort, listen => listen.Protocols = HttpProtocols.Http2);
        });
    }

    private static void Listen(KestrelServerOptions kestrel, string host, int port, Action<ListenOptions> configure)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(port, configure);
        }
        else if (IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            kestrel.Listen(address, port, configure);
        }
        else
        {
            // "*", "+", "0.0.0.0" or a host name: every interface, as Kestrel itself treats such URLs.
            kestrel.ListenAnyIP(port, configure);
        }
    }

    /// <summary>
    /// The execution provider is chosen here, once for the service; the log says which and, when not CUDA, why. With the shared pool
    /// the factory also creates ONNX Runtime's environment with it, so nothing in the service may touch ONNX Runtime before.
    /// </summary>
    private static OnnxSessionFactory CreateSessionFactory(InferenceOptions options, ILogger logger)
    {
        var factory = new OnnxSessionFactory(options.SessionOptions());
        logger.LogInformation("ONNX Runtime {Version}: {Provider} provider, {Threads} intra-op threads ({Pool}). {Reason}",
            OnnxSessionFactory.RuntimeVersion, factory.Provider, factory.Options.ResolvedIntraOpThreads,
            factory.Options.ThreadPool == OnnxThreadPool.Shared ? "one pool shared by the sessions" : "a pool per session", factory.FallbackReason);
        return factory;
    }
}
