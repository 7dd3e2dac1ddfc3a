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
    private readonly Counter<long> versionRequests;
    private readonly Histogram<double> versionDuration;
    private readonly Counter<long> versionPredictions;
    private readonly Counter<long> shadowComparisons;
    private readonly Counter<long> shadowShed;
    private readonly Lazy<ModelRegistry> registry;

    public InferenceTelemetry(IMeterFactory meters, IServiceProvider services)
    {
        // The registry is resolved on first use, not here: it depends on this class.
        registry = new Lazy<ModelRegistry>(services.GetRequiredService<ModelRegistry>);
        meter = meters.Create(Name);
        requestDuration = meter.CreateHistogram<double>("platform.inference.request.duration", "s", "Time from a predict or infer request's arrival to its answer, by outcome (ok or the rejection reason).");
        batchSize = meter.CreateHistogram<int>("platform.inference.batch.size", "{image}", "Images per ONNX Runtime call.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128] });
        batchDuration = meter.CreateHistogram<double>("platform.inference.batch.duration", "s", "Time of one ONNX Runtime call.");
        rejections = meter.CreateCounter<long>("platform.inference.rejections", "{request}", "Predict and infer requests refused, by reason (queue full, not ready, timeout, bad input...).");
        // Per version, so that a canary is judged against the version beside it on the dashboard: requests and errors by outcome,
        // latency (its percentiles come from the histogram), and the distribution of top-1 labels.
        versionRequests = meter.CreateCounter<long>("platform.inference.version.requests", "{request}", "Requests a model version answered or failed, by alias and outcome (ok or the rejection reason).");
        versionDuration = meter.CreateHistogram<double>("platform.inference.version.duration", "s", "Time from a request's arrival to its answer, per model version and outcome.");
        versionPredictions = meter.CreateCounter<long>("platform.inference.version.predictions", "{image}", "Images classified per model version, by top-1 label.");
        shadowComparisons = meter.CreateCounter<long>("platform.inference.shadow.comparisons", "{image}", "Mirrored images a shadow version classified, by whether its top-1 label agreed with the answer given.");
        shadowShed = meter.CreateCounter<long>("platform.inference.shadow.shed", "{request}", "Mirrored requests dropped before the shadow ran them, by reason (queue full, primary busy, ...).");
        meter.CreateObservableGauge("platform.inference.queue.depth", () => QueueDepths(registry.Value),
            "{image}", "Images waiting per model version.");
    }

    /// <summary>
    /// Records one answered predict or infer request: its duration since <paramref name="startedTimestamp"/> with outcome <c>ok</c>
    /// or the rejection reason, and for a rejection one count of that reason. A model name no promotion introduced is recorded as
    /// <c>unknown</c>: names come from request paths, and each distinct one would otherwise be a new time series.
    /// </summary>
    public void RecordAnswer(string model, long startedTimestamp, string? rejectionReason)
    {
        var modelTag = new KeyValuePair<string, object?>("model", registry.Value.Knows(model) ? model : "unknown");
        requestDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, modelTag, new KeyValuePair<string, object?>("outcome", rejectionReason ?? "ok"));
        if (rejectionReason is not null)
        {
            rejections.Add(1, modelTag, new KeyValuePair<string, object?>("reason", rejectionReason));
        }
    }

    /// <summary>One request a version served (or failed after it was chosen): its outcome, duration and, when answered, each image's top-1 label.</summary>
    public void RecordVersionAnswer(ServedModel model, string? alias, long startedTimestamp, string outcome, IReadOnlyList<InferenceOutcome>? outcomes)
    {
        var modelTag = new KeyValuePair<string, object?>("model", model.Name);
        var version = new KeyValuePair<string, object?>("version", model.Version);
        var outcomeTag = new KeyValuePair<string, object?>("outcome", outcome);
        versionRequests.Add(1, modelTag, version, new KeyValuePair<string, object?>("alias", alias ?? "pinned"), outcomeTag);
        versionDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, modelTag, version, outcomeTag);
        foreach (var answer in outcomes ?? [])
        {
            var top = 0;
            for (var i = 1; i < answer.Logits.Length; i++)
            {
                top = answer.Logits[i] > answer.Logits[top] ? i : top;
            }
            versionPredictions.Add(1, modelTag, version, new KeyValuePair<string, object?>("label", top < model.Labels.Count ? model.Labels[top] : top.ToString()));
        }
    }

    public void RecordShadowComparison(ServedModel primary, ServedModel shadow, string alias, bool agreed) =>
        shadowComparisons.Add(1, new KeyValuePair<string, object?>("model", primary.Name), new KeyValuePair<string, object?>("alias", alias),
            new KeyValuePair<string, object?>("version", primary.Version), new KeyValuePair<string, object?>("shadow", shadow.Version),
            new KeyValuePair<string, object?>("agreed", agreed));

    public void RecordShadowShed(ServedModel primary, ServedModel shadow, string alias, string reason) =>
        shadowShed.Add(1, new KeyValuePair<string, object?>("model", primary.Name), new KeyValuePair<string, object?>("alias", alias),
            new KeyValuePair<string, object?>("version", primary.Version), new KeyValuePair<string, object?>("shadow", shadow.Version),
            new KeyValuePair<string, object?>("reason", reason));

    public void RecordBatch(int size, double milliseconds, KeyValuePair<string, object?>[] tags)
    {
        batchSize.Record(size, tags);
        batchDuration.Record(milliseconds / 1000, tags);
    }

    private static IEnumerable<Measurement<int>> QueueDepths(ModelRegistry registry) =>
        registry.Models.SelectMany(model => model.Versions.Values).Select(version => new Measurement<int>(version.Scheduler.QueueDepth,
            new KeyValuePair<string, object?>("model", version.Name), new KeyValuePair<string, object?>("version", version.Version)));

    public void Dispose() => meter.Dispose();
}
