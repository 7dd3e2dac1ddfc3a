// Logs a training run the way any OpenTelemetry-instrumented script would, following docs/tracking-conventions.md:
// a "training.run" span with the hyperparameters, a "training.epoch" span per epoch with its metrics, and a
// "training.result" event with the final figures. The endpoint and protocol come from the standard
// OTEL_EXPORTER_OTLP_* environment variables.
//
// Usage: OtelClientSample --run-id GUID [--experiment NAME] [--epochs N] [--first-epoch N] [--pace-ms MS]
//                         [--lr LR] [--fail REASON] [--retry-until-delivered]
using System.Diagnostics;
using System.Globalization;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

var options = Arguments.Parse(args);
using var source = new ActivitySource("Sample.Training");
var exporterOptions = new OtlpExporterOptions();
BaseExporter<Activity> exporter = new OtlpTraceExporter(exporterOptions);
if (options.RetryUntilDelivered)
{
    exporter = new RetryingExporter(exporter);
}
using (var tracing = Sdk.CreateTracerProviderBuilder()
    .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("otel-client-sample"))
    .AddSource(source.Name)
    .AddProcessor(new BatchActivityExportProcessor(exporter, scheduledDelayMilliseconds: 100, maxExportBatchSize: 64))
    .Build())
{
    using (var run = source.StartActivity("training.run")!)
    {
        run.SetTag("platform.run_id", options.RunId.ToString());
        run.SetTag("platform.experiment", options.Experiment);
        run.SetTag("platform.model_name", "sample-classifier");
        run.SetTag("platform.dataset.name", "fashion-mnist");
        run.SetTag("platform.dataset.version", 3);
        run.SetTag("platform.device", "cpu");
        run.SetTag("params.lr", options.LearningRate);
        run.SetTag("params.optimizer", "adamw");
        run.SetTag("params.batch_size", 64);
        run.SetTag("params.schedule.warmup_epochs", 2);

        for (var epoch = options.FirstEpoch; epoch < options.FirstEpoch + options.Epochs; epoch++)
        {
            using (var span = source.StartActivity("training.epoch")!)
            {
                span.SetTag("platform.run_id", options.RunId.ToString());
                span.SetTag("step", epoch);
                foreach (var (name, value) in Curves.At(epoch))
                {
                    span.SetTag("metrics." + name, value);
                }
            }
            if (options.PaceMilliseconds > 0)
            {
                Thread.Sleep(options.PaceMilliseconds);
            }
        }

        if (options.FailureReason is { } reason)
        {
            run.SetStatus(ActivityStatusCode.Error, reason);
        }
        else
        {
            var last = options.FirstEpoch + options.Epochs - 1;
            var result = new ActivityTagsCollection
            {
                ["metrics.test_accuracy"] = Curves.At(last)["val_accuracy"],
                ["per_class.cat.precision"] = 0.75,
                ["per_class.cat.recall"] = 0.6,
                ["per_class.dog.precision"] = 0.5,
                ["per_class.dog.recall"] = 2.0 / 3.0,
                ["confusion_matrix"] = """{"labels":["cat","dog"],"matrix":[[3,2],[1,2]]}""",
            };
            run.AddEvent(new ActivityEvent("training.result", tags: result));
            run.SetStatus(ActivityStatusCode.Ok);
        }
    }
    if (!tracing.ForceFlush(120_000))
    {
        Console.Error.WriteLine("Not every span could be exported.");
        return 1;
    }
}
Console.WriteLine($"Logged run {options.RunId}: epochs {options.FirstEpoch}..{options.FirstEpoch + options.Epochs - 1}.");
return 0;

/// <summary>The curves the sample reports, a function of the epoch so tests can check every stored value.</summary>
public static class Curves
{
    public static Dictionary<string, double> At(int epoch) => new()
    {
        ["train_loss"] = 1.0 / (epoch + 1),
        ["val_accuracy"] = 1.0 - 0.5 / (epoch + 1),
        ["lr"] = 0.001 * Math.Pow(0.9, epoch),
        ["grad_norm"] = 2.0 + 0.125 * epoch,
    };
}

internal sealed record Arguments(Guid RunId, string Experiment, int Epochs, int FirstEpoch, int PaceMilliseconds, string? FailureReason, bool RetryUntilDelivered,
    double LearningRate)
{
    public static Arguments Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
        }
        var failure = Value("--fail", "");
        return new Arguments(
            Guid.Parse(Value("--run-id", Guid.NewGuid().ToString())),
            Value("--experiment", "sample"),
            int.Parse(Value("--epochs", "5"), CultureInfo.InvariantCulture),
            int.Parse(Value("--first-epoch", "0"), CultureInfo.InvariantCulture),
            int.Parse(Value("--pace-ms", "0"), CultureInfo.InvariantCulture),
            failure.Length == 0 ? null : failure,
            args.Contains("--retry-until-delivered"),
            double.Parse(Value("--lr", "0.001"), CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// Retries a failed export until the receiver accepts it. The SDK's own retry gives up after its export timeout;
/// a client that must survive a longer receiver outage keeps the batch (the Collector's sending queue does the same).
/// </summary>
internal sealed class RetryingExporter(BaseExporter<Activity> inner) : BaseExporter<Activity>
{
    public override ExportResult Export(in Batch<Activity> batch)
    {
        // The processor's batch drains its buffer as it is read, so a copy is what can be sent again.
        var spans = new List<Activity>();
        foreach (var span in batch)
        {
            spans.Add(span);
        }
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (inner.Export(new Batch<Activity>([.. spans], spans.Count)) != ExportResult.Success)
        {
            if (DateTime.UtcNow > deadline)
            {
                return ExportResult.Failure;
            }
            Thread.Sleep(200);
        }
        return ExportResult.Success;
    }

    protected override bool OnForceFlush(int timeoutMilliseconds) => inner.ForceFlush(timeoutMilliseconds);

    protected override bool OnShutdown(int timeoutMilliseconds) => inner.Shutdown(timeoutMilliseconds);
}
