using System.Net;
using Platform.Otlp;

namespace Platform.Testing.Otlp;

/// <summary>
/// A minimal OTLP/HTTP (protobuf) collector on a free loopback port: a service started with <see cref="ExporterEnvironment"/>
/// sends its metrics and spans here, and a test waits on what arrived. Logs are accepted and dropped.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly Lock gate = new();
    private readonly List<IReadOnlyList<OtlpMetric>> metricExports = [];
    private readonly List<OtlpSpan> spans = [];
    private readonly List<string> errors = [];
    private readonly Task loop;

    private OtlpReceiver(int port)
    {
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        listener.Prefixes.Add(Endpoint.ToString());
        listener.Start();
        loop = Task.Run(AcceptAsync);
    }

    public Uri Endpoint { get; }

    /// <summary>While true the receiver plays a tracker that is down: every export is answered 503 and nothing is kept.</summary>
    public bool Unavailable { get; set; }

    public static OtlpReceiver Start() => new(FreePort.Next());

    /// <summary>
    /// The standard OpenTelemetry SDK variables that point a service's exporters here, with short export intervals so that a
    /// test waits seconds, not the one-minute default.
    /// </summary>
    public IReadOnlyDictionary<string, string?> ExporterEnvironment(int metricIntervalMilliseconds = 1000) => new Dictionary<string, string?>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Endpoint.ToString().TrimEnd('/'),
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = metricIntervalMilliseconds.ToString(),
        ["OTEL_BSP_SCHEDULE_DELAY"] = "500",
    };

    /// <summary>Every metrics export received so far, oldest first (cumulative temporality: the last one holds the totals).</summary>
    public IReadOnlyList<IReadOnlyList<OtlpMetric>> MetricExports
    {
        get
        {
            lock (gate)
            {
                return [.. metricExports];
            }
        }
    }

    public IReadOnlyList<OtlpSpan> Spans
    {
        get
        {
            lock (gate)
            {
                return [.. spans];
            }
        }
    }

    /// <summary>Waits until <paramref name="done"/> holds for what has arrived; on timeout says what did arrive.</summary>
    public async Task WaitForAsync(Func<OtlpReceiver, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!done(this))
        {
            if (DateTime.UtcNow > deadline)
            {
                var names = MetricExports.SelectMany(e => e).Select(m => m.Name).Distinct().Order();
                throw new TimeoutException($"Not received within {timeout}: {what}. Metrics seen: {string.Join(", ", names)}; spans seen: "
                    + $"{string.Join(", ", Spans.GroupBy(s => s.Name).Select(g => $"{g.Key} ×{g.Count()}"))}; decode errors: {string.Join("; ", errors)}");
            }
            await Task.Delay(100);
        }
    }

    private async Task AcceptAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            await HandleAsync(context);
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var bytes = body.ToArray();
            var path = context.Request.Url?.AbsolutePath;
            if (Unavailable)
            {
                context.Response.StatusCode = (int)HttpStatusCode.ServiceUnavailable;
                return;
            }
            lock (gate)
            {
                if (path == "/v1/metrics")
                {
                    metricExports.Add(OtlpProtobufReader.ReadMetrics(bytes));
                }
                else if (path == "/v1/traces")
                {
                    spans.AddRange(OtlpProtobufReader.ReadTraces(bytes));
                }
            }
            // An empty Export*ServiceResponse: full success.
            context.Response.StatusCode = (int)HttpStatusCode.OK;
            context.Response.ContentType = "application/x-protobuf";
        }
        catch (Exception exception)
        {
            lock (gate)
            {
                errors.Add(exception.Message);
            }
            context.Response.StatusCode = (int)HttpStatusCode.BadRequest;
        }
        finally
        {
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await loop;
    }
}
