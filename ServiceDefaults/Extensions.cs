using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every Platform service shares: OpenTelemetry, health checks split into liveness and readiness,
/// service discovery, HTTP resilience, quiet logging defaults and one way of answering unhandled exceptions.
/// </summary>
public static class Extensions
{
    public const string LivenessTag = "live";
    public const string ReadinessTag = "ready";
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>Set to <c>true</c> to trace GET and HEAD requests that arrive without a trace context (polling, browsing).</summary>
    public const string TraceReadsKey = "Telemetry:TraceReads";

    /// <summary>
    /// Categories that log every HTTP call at Information: the HttpClient factory's handlers, the resilience pipeline
    /// (Polly) and the Azure SDK. An idle trainer would write dozens of lines a minute. These are the lowest-priority
    /// configuration, so <c>Logging:LogLevel:{category}</c> in appsettings or the environment overrides them.
    /// </summary>
    internal static readonly IReadOnlyDictionary<string, string?> QuietLogLevels = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:System.Net.Http.HttpClient"] = nameof(LogLevel.Warning),
        ["Logging:LogLevel:Polly"] = nameof(LogLevel.Warning),
        ["Logging:LogLevel:Microsoft.Extensions.Http.Resilience"] = nameof(LogLevel.Warning),
        ["Logging:LogLevel:Azure.Core"] = nameof(LogLevel.Warning),
        ["Logging:LogLevel:Azure.Storage"] = nameof(LogLevel.Warning),
    };

    /// <summary>
    /// Paths never traced: probes (every few seconds from the AppHost and Container Apps) and the tracker's OTLP receiver
    /// (every trainer export would be a trace about telemetry). Either would bury the runs a user is looking for.
    /// </summary>
    private static readonly PathString[] UntracedPaths =
        [HealthEndpointPath, AlivenessEndpointPath, "/v1/traces", "/v1/metrics", "/v1/logs"];

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddQuietLoggingDefaults();
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();

        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        builder.Services.AddProblemDetails();
        return builder;
    }

    private static void AddQuietLoggingDefaults(this IHostApplicationBuilder builder)
    {
        // First in the list: every later source (appsettings, environment, command line) wins over these.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = QuietLogLevels });
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var traceReads = builder.Configuration.GetValue<bool>(TraceReadsKey);
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(PlatformTelemetry.MeterNames))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(PlatformTelemetry.ActivitySourceNames)
                .AddAspNetCoreInstrumentation(options => options.Filter = context => IsTraced(context.Request, traceReads))
                .AddHttpClientInstrumentation(options => options.EnrichWithHttpResponseMessage = ExpectedStorageAnswers.ClearErrorStatus));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>
    /// A request starts a trace worth keeping when it changes something or belongs to a trace already under way. A GET
    /// with no <c>traceparent</c> is a read on its own, such as the CLI polling a run once a second; untraced, its
    /// children (blob and Redis calls) are dropped with it, since child spans follow their parent's sampling decision.
    /// </summary>
    internal static bool IsTraced(HttpRequest request, bool traceReads)
    {
        if (UntracedPaths.Any(path => request.Path.StartsWithSegments(path)))
        {
            return false;
        }
        var isRead = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        return traceReads || !isRead || request.Headers.ContainsKey("traceparent");
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LivenessTag]);
        builder.AddStartupHealthGrace();
        return builder;
    }

    /// <summary>
    /// <c>/alive</c> answers while the process can serve at all; <c>/health</c> answers healthy only when
    /// every dependency check passes. Both are mapped in every environment: Container Apps probes them too.
    /// Unhandled exceptions are answered here too (<see cref="UseDefaultExceptionHandling"/>), so every service
    /// that maps these endpoints answers errors the same way.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseNoSniff();
        app.UseDefaultExceptionHandling();
        app.MapHealthChecks(HealthEndpointPath, new HealthCheckOptions { ResponseWriter = HealthReportWriter.WriteAsync });
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(LivenessTag),
        });
        return app;
    }

    /// <summary>
    /// Every answer carries <c>X-Content-Type-Options: nosniff</c>: a browser then treats a body as the content type it is sent with
    /// and never guesses HTML or script from bytes that a user uploaded (an image with a page appended, a label that looks like markup).
    /// </summary>
    public static WebApplication UseNoSniff(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            // Set as the answer starts, so an error answer (whose headers the exception handler clears) has it too.
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.XContentTypeOptions = "nosniff";
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }

    /// <summary>
    /// An unhandled exception answers RFC 7807 problem details with status 500 (from <c>AddProblemDetails</c>), in every
    /// environment: the exception, with its message, paths and stack, goes to the log, never into the answer. Error
    /// statuses without a body (an unknown route's 404, a 405) are answered as problem details too.
    /// </summary>
    public static WebApplication UseDefaultExceptionHandling(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }
}
