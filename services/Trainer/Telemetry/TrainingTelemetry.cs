using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using Platform.Contracts;
using Platform.Training.Configuration;
using Platform.Training.Engine;

namespace Platform.Trainer.Telemetry;

/// <summary>
/// The trainer's training telemetry, following docs/tracking-conventions.md: a <c>training.run</c> span per
/// attempt (hyperparameters as <c>params.*</c>), a <c>training.epoch</c> span per epoch (metrics as
/// <c>metrics.*</c>, <c>step</c> = epoch) and a <c>training.result</c> event with the final figures. The trace
/// id is the run id, so every attempt of a resumed run lands in the same trace.
/// </summary>
public sealed class TrainingTelemetry : IDisposable
{
    public const string SourceName = "Platform.Trainer.Runs";

    public TrainingTelemetry()
    {
        Source = new ActivitySource(SourceName);
        Meter = new Meter(SourceName);
        ImagesTrained = Meter.CreateCounter<long>("platform.trainer.images", "{image}", "Training images processed");
        EpochsCompleted = Meter.CreateCounter<long>("platform.trainer.epochs", "{epoch}", "Epochs completed");
        Throughput = Meter.CreateHistogram<double>("platform.trainer.throughput", "{image}/s", "Training images per second, per epoch");
        Meter.CreateObservableGauge("platform.trainer.progress", () => progress, "1", "Fraction of the current run's epochs done");
    }

    public ActivitySource Source { get; }

    public Meter Meter { get; }

    public Counter<long> ImagesTrained { get; }

    public Counter<long> EpochsCompleted { get; }

    public Histogram<double> Throughput { get; }

    private double progress;

    internal void ReportProgress(double fraction) => Volatile.Write(ref progress, fraction);

    public static ActivityTraceId TraceIdOf(Guid runId) => ActivityTraceId.CreateFromString(runId.ToString("N"));

    public void Dispose()
    {
        Source.Dispose();
        Meter.Dispose();
    }
}

/// <summary>Turns one run's training events into spans, events and metrics.</summary>
public sealed class RunTelemetryObserver(TrainingTelemetry telemetry, TrainModel job, TrainingConfig config, int attempt, ILogger logger) : ITrainingObserver, IDisposable
{
    private Activity? run;

    public void OnEvent(TrainingEvent trainingEvent)
    {
        switch (trainingEvent)
        {
            case Training.Engine.RunStarted started:
                StartRun(started);
                break;
            case EpochCompleted { Metrics: var metrics }:
                ReportEpoch(metrics);
                break;
            case RunCompleted { Report: var report }:
                ReportResult(report);
                break;
            case Training.Engine.RunCancelled cancelled:
                run?.SetTag("platform.run.cancelled", true);
                run?.AddEvent(new ActivityEvent("training.cancelled", tags: new ActivityTagsCollection { ["step"] = cancelled.Epoch }));
                break;
            case Training.Engine.RunFailed failed:
                run?.SetStatus(ActivityStatusCode.Error, failed.Error);
                break;
        }
    }

    /// <summary>Called by the job when it fails outside the engine (dataset, export, parity gate).</summary>
    public void Fail(string reason) => run?.SetStatus(ActivityStatusCode.Error, reason);

    private void StartRun(Training.Engine.RunStarted started)
    {
        // A parent context with the run's trace id and no span makes every attempt a root span of the same trace.
        var parent = new ActivityContext(TrainingTelemetry.TraceIdOf(job.RunId), default, ActivityTraceFlags.Recorded);
        run = telemetry.Source.StartActivity("training.run", ActivityKind.Internal, parent);
        if (run is null)
        {
            return;
        }
        run.SetTag("platform.run_id", job.RunId.ToString());
        run.SetTag("platform.experiment", job.Experiment);
        run.SetTag("platform.model_name", job.ModelName);
        run.SetTag("platform.dataset.name", job.DatasetName);
        run.SetTag("platform.dataset.version", job.DatasetVersion);
        run.SetTag("platform.device", started.Device);
        run.SetTag("platform.attempt", attempt);
        run.SetTag("platform.start_epoch", started.StartEpoch);
        run.SetTag("platform.parameters.total", started.TotalParameters);
        run.SetTag("platform.parameters.trainable", started.TrainableParameters);
        foreach (var (name, value) in config.ToParameters())
        {
            run.SetTag("params." + name, Attribute(value));
        }
        // The run span is exported only when the run ends; this short span tells the tracker now that the run is
        // running, on which device, with which parameters (docs/tracking-conventions.md).
        using (var announcement = telemetry.Source.StartActivity("training.started", ActivityKind.Internal, run.Context))
        {
            foreach (var (name, value) in run.TagObjects)
            {
                announcement?.SetTag(name, value);
            }
        }
        logger.LogInformation("Run {RunId} attempt {Attempt} started on {Device} at epoch {Epoch}", job.RunId, attempt, started.Device, started.StartEpoch);
    }

    private void ReportEpoch(EpochMetrics metrics)
    {
        var start = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(metrics.TrainSeconds + metrics.ValidationSeconds);
        using (var epoch = telemetry.Source.StartActivity("training.epoch", ActivityKind.Internal, run?.Context ?? default, startTime: start))
        {
            epoch?.SetTag("platform.run_id", job.RunId.ToString());
            epoch?.SetTag("step", metrics.Epoch);
            foreach (var (name, value) in MetricsOf(metrics))
            {
                epoch?.SetTag($"metrics.{name}", value);
            }
        }
        telemetry.EpochsCompleted.Add(1);
        telemetry.Throughput.Record(metrics.ImagesPerSecond);
        telemetry.ImagesTrained.Add((long)(metrics.ImagesPerSecond * metrics.TrainSeconds));
        telemetry.ReportProgress((double)metrics.Epoch / config.Epochs);
        logger.LogInformation("Run {RunId} epoch {Epoch}: train loss {TrainLoss:F4} acc {TrainAccuracy:P1}, val loss {ValidationLoss:F4} acc {ValidationAccuracy:P1}, {ImagesPerSecond:F0} img/s",
            job.RunId, metrics.Epoch, metrics.TrainLoss, metrics.TrainAccuracy, metrics.ValidationLoss, metrics.ValidationAccuracy, metrics.ImagesPerSecond);
    }

    private void ReportResult(FinalReport report)
    {
        var tags = new ActivityTagsCollection
        {
            ["metrics.accuracy"] = report.Accuracy,
            ["metrics.macro_f1"] = report.MacroF1,
            ["metrics.val_loss"] = report.ValidationLoss,
            ["metrics.best_epoch"] = report.BestEpoch,
            ["metrics.epochs_completed"] = report.EpochsCompleted,
            ["confusion_matrix"] = JsonSerializer.Serialize(new { labels = report.Classes, matrix = report.ConfusionMatrix }),
        };
        foreach (var perClass in report.PerClass)
        {
            tags[$"per_class.{perClass.Class}.precision"] = perClass.Precision;
            tags[$"per_class.{perClass.Class}.recall"] = perClass.Recall;
            tags[$"per_class.{perClass.Class}.f1"] = perClass.F1;
            tags[$"per_class.{perClass.Class}.support"] = perClass.Support;
        }
        run?.AddEvent(new ActivityEvent("training.result", tags: tags));
        run?.SetStatus(ActivityStatusCode.Ok);
    }

    public static IEnumerable<(string Name, double Value)> MetricsOf(EpochMetrics metrics)
    {
        yield return ("train_loss", metrics.TrainLoss);
        yield return ("train_accuracy", metrics.TrainAccuracy);
        yield return ("val_loss", metrics.ValidationLoss);
        yield return ("val_accuracy", metrics.ValidationAccuracy);
        if (metrics.TrainTop5Accuracy is { } trainTop5)
        {
            yield return ("train_top5_accuracy", trainTop5);
        }
        if (metrics.ValidationTop5Accuracy is { } validationTop5)
        {
            yield return ("val_top5_accuracy", validationTop5);
        }
        yield return ("lr", metrics.LearningRate);
        yield return ("grad_norm", metrics.GradientNorm);
        yield return ("images_per_second", metrics.ImagesPerSecond);
        if (metrics.LossScale is { } scale)
        {
            yield return ("loss_scale", scale);
        }
    }

    /// <summary>An OpenTelemetry attribute value keeps the parameter's type: numbers, booleans, strings, arrays of numbers.</summary>
    private static object Attribute(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => value.TryGetInt64(out var integer) ? integer : value.GetDouble(),
        JsonValueKind.True or JsonValueKind.False => value.GetBoolean(),
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Array when value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.Number) => value.EnumerateArray().Select(item => item.GetDouble()).ToArray(),
        _ => value.GetRawText(),
    };

    public void Dispose() => run?.Dispose();
}
