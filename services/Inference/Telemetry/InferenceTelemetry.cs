using System.Diagnostics;
using System.Diagnostics.Metrics;
using Platform.Inference.Serving;

namespace Platform.Inference.Telemetry;

/// <summary>The inference service's spans and metrics: request latency, batch sizes, queue depth per model version, rejections.</summary>
public sealed class InferenceTelemetry : IDisposable
{
    public const string Name = "Platform.Inference";

    public static readonly ActivitySource Source = new(Name);

    private readonly Meter meter;
    private readonly Histogram<double> requestDuration;
    private readonly Histogram<int> batchSize;
    private readonly Histogram<double> batchDuration;
    private readonly Counter<long> rejections;

    public InferenceTelemetry(IMeterFactory meters, IServiceProvider services)
    {
        meter = meters.Create(Name);
        requestDuration = meter.CreateHistogram<double>("platform.inference.request.duration", "s", "Time from a predict request's arrival to its answer.");
        batchSize = meter.CreateHistogram<int>("platform.inference.batch.size", "{image}", "Images per ONNX Runtime call.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128] });
        batchDuration = meter.CreateHistogram<double>("platform.inference.batch.duration", "s", "Time of one ONNX Runtime call.");
        rejections = meter.CreateCounter<long>("platform.inference.rejections", "{request}", "Requests refused (queue full, not ready, timeout, bad input).");
        // Resolved lazily: the registry depends on this class.
        meter.CreateObservableGauge("platform.inference.queue.depth", () => QueueDepths(services.GetRequiredService<ModelRegistry>()),
            "{image}", "Images waiting per model version.");
    }

    public void RecordRequest(string model, double seconds, string outcome) =>
        requestDuration.Record(seconds, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("outcome", outcome));

    public void RecordBatch(int size, double milliseconds, KeyValuePair<string, object?>[] tags)
    {
        batchSize.Record(size, tags);
        batchDuration.Record(milliseconds / 1000, tags);
    }

    public void RecordRejection(string model, string reason) =>
        rejections.Add(1, new KeyValuePair<string, object?>("model", model), new KeyValuePair<string, object?>("reason", reason));

    private static IEnumerable<Measurement<int>> QueueDepths(ModelRegistry registry) =>
        registry.Models.SelectMany(model => model.Versions.Values).Select(version => new Measurement<int>(version.Scheduler.QueueDepth,
            new KeyValuePair<string, object?>("model", version.Name), new KeyValuePair<string, object?>("version", version.Version)));

    public void Dispose() => meter.Dispose();
}
