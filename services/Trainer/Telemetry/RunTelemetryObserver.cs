using System.Diagnostics;
using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Telemetry;
using Platform.Training.Configuration;
using Platform.Training.Engine;
using MetricNames = Platform.Contracts.Telemetry.TrainingTelemetryConventions.MetricNames;
using PerClassFigures = Platform.Contracts.Telemetry.TrainingTelemetryConventions.PerClassFigures;

namespace Platform.Trainer.Telemetry;

/// <summary>Turns one run's training events into spans, events and metrics.</summary>
public sealed class RunTelemetryObserver(TrainingTelemetry telemetry, TrainModel job, TrainingConfig config, int attempt, string why, ILogger logger) : ITrainingObserver, IDisposable
{
    /// <summary>Step-level points per <c>training.steps</c> span: a few at a time keeps them live without a span per point.</summary>
    public const int StepPointsPerSpan = 5;

    private readonly List<StepLogged> pendingSteps = [];
    private Activity? run;

    public void OnEvent(TrainingEvent trainingEvent)
    {
        switch (trainingEvent)
        {
            case Training.Engine.RunStarted started:
                StartRun(started);
                break;
            case StepLogged point:
                pendingSteps.Add(point);
                if (pendingSteps.Count >= StepPointsPerSpan)
                {
                    FlushSteps();
                }
                break;
            case EpochCompleted { Metrics: var metrics }:
                FlushSteps();
                ReportEpoch(metrics);
                break;
            case FindingRaised { Finding: var finding }:
                ReportFinding(finding);
                break;
            case CheckpointSaved checkpoint:
                ReportCheckpoint(checkpoint);
                break;
            case RunCompleted { Report: var report }:
                FlushSteps();
                ReportResult(report);
                break;
            case Training.Engine.RunCancelled cancelled:
                run?.SetTag(TrainingTelemetryConventions.Cancelled, true);
                run?.AddEvent(new ActivityEvent(TrainingTelemetryConventions.CancelledEvent, tags: new ActivityTagsCollection { [TrainingTelemetryConventions.Step] = cancelled.Epoch }));
                break;
            case Training.Engine.RunFailed failed:
                run?.SetStatus(ActivityStatusCode.Error, failed.Error);
                break;
        }
    }

    /// <summary>A step of the attempt after training (export, publish) as a child of the run span; null when nothing listens.</summary>
    public Activity? StartStep(string name) =>
        run is null ? null : telemetry.Source.StartActivity(name, ActivityKind.Internal, run.Context);

    /// <summary>Called by the job when it fails outside the engine (dataset, export, parity gate).</summary>
    public void Fail(string reason) => run?.SetStatus(ActivityStatusCode.Error, reason);

    private void StartRun(Training.Engine.RunStarted started)
    {
        // A parent context with the run's trace id and no span makes every attempt a root span of the same trace.
        var parent = new ActivityContext(TrainingTelemetry.TraceIdOf(job.RunId), default, ActivityTraceFlags.Recorded);
        run = telemetry.Source.StartActivity(TrainingTelemetryConventions.RunSpan, ActivityKind.Internal, parent);
        if (run is null)
        {
            return;
        }
        run.SetTag(TrainingTelemetryConventions.RunId, job.RunId.ToString());
        run.SetTag(TrainingTelemetryConventions.Experiment, job.Experiment);
        run.SetTag(TrainingTelemetryConventions.ModelName, job.ModelName);
        run.SetTag(TrainingTelemetryConventions.DatasetName, job.DatasetName);
        run.SetTag(TrainingTelemetryConventions.DatasetVersion, job.DatasetVersion);
        run.SetTag(TrainingTelemetryConventions.Device, started.Device);
        run.SetTag(TrainingTelemetryConventions.Devices, started.Devices.ToArray());
        if (started.ResumedFromGlobalBatchSize is { } previousBatch)
        {
            run.SetTag(TrainingTelemetryConventions.ResumedFromGlobalBatchSize, previousBatch);
        }
        run.SetTag(TrainingTelemetryConventions.Attempt, attempt);
        run.SetTag(TrainingTelemetryConventions.AttemptReason, why);
        run.SetTag(TrainingTelemetryConventions.StartEpoch, started.StartEpoch);
        run.SetTag(TrainingTelemetryConventions.StartSample, started.StartSample);
        run.SetTag(TrainingTelemetryConventions.TotalParameters, started.TotalParameters);
        run.SetTag(TrainingTelemetryConventions.TrainableParameters, started.TrainableParameters);
        foreach (var (name, value) in config.ToParameters())
        {
            run.SetTag(TrainingTelemetryConventions.Param(name), Attribute(value));
        }
        run.SetTag(TrainingTelemetryConventions.Param(TrainingTelemetryConventions.GlobalBatchSizeParam), (long)started.GlobalBatchSize);
        run.SetTag(TrainingTelemetryConventions.Param(TrainingTelemetryConventions.ScaledLearningRateParam), started.PeakLearningRate);
        // The run span is exported only when the run ends; this short span tells the tracker now that the run is
        // running, on which device, with which parameters (docs/tracking-conventions.md).
        using (var announcement = telemetry.Source.StartActivity(TrainingTelemetryConventions.StartedSpan, ActivityKind.Internal, run.Context))
        {
            foreach (var (name, value) in run.TagObjects)
            {
                announcement?.SetTag(name, value);
            }
        }
        logger.LogInformation("Run {RunId} attempt {Attempt} started on {Devices} (global batch {GlobalBatch}) at epoch {Epoch}, sample {Sample} ({Why})",
            job.RunId, attempt, string.Join(", ", started.Devices), started.GlobalBatchSize, started.StartEpoch, started.StartSample, why);
        if (started.ResumedFromGlobalBatchSize is { } previous)
        {
            logger.LogWarning("Run {RunId} resumed with global batch {GlobalBatch} on {DeviceCount} devices; its checkpoint was written with global batch {Previous}: the schedule continues at epoch {Epoch} with the new batch",
                job.RunId, started.GlobalBatchSize, started.Devices.Count, previous, started.StartEpoch);
        }
    }

    private void ReportEpoch(EpochMetrics metrics)
    {
        var start = telemetry.Time.GetUtcNow() - TimeSpan.FromSeconds(metrics.TrainSeconds + metrics.ValidationSeconds);
        using (var epoch = telemetry.Source.StartActivity(TrainingTelemetryConventions.EpochSpan, ActivityKind.Internal, run?.Context ?? default, startTime: start))
        {
            epoch?.SetTag(TrainingTelemetryConventions.RunId, job.RunId.ToString());
            epoch?.SetTag(TrainingTelemetryConventions.Step, metrics.Epoch);
            foreach (var (name, value) in MetricValues.Of(metrics))
            {
                epoch?.SetTag(TrainingTelemetryConventions.Metric(name), value);
            }
        }
        telemetry.EpochsCompleted.Add(1);
        telemetry.Throughput.Record(metrics.ImagesPerSecond);
        telemetry.ImagesTrained.Add((long)(metrics.ImagesPerSecond * metrics.TrainSeconds));
        telemetry.ReportProgress((double)metrics.Epoch / config.Epochs);
        logger.LogInformation("Run {RunId} epoch {Epoch}: train loss {TrainLoss:F4} acc {TrainAccuracy:P1}, val loss {ValidationLoss:F4} acc {ValidationAccuracy:P1}, {ImagesPerSecond:F0} img/s",
            job.RunId, metrics.Epoch, metrics.TrainLoss, metrics.TrainAccuracy, metrics.ValidationLoss, metrics.ValidationAccuracy, metrics.ImagesPerSecond);
    }

    private void FlushSteps()
    {
        if (pendingSteps.Count == 0)
        {
            return;
        }

        var start = pendingSteps[0].Timestamp;
        using (var span = telemetry.Source.StartActivity(TrainingTelemetryConventions.StepsSpan, ActivityKind.Internal, run?.Context ?? default, startTime: start))
        {
            span?.SetTag(TrainingTelemetryConventions.RunId, job.RunId.ToString());
            foreach (var point in pendingSteps)
            {
                var tags = new ActivityTagsCollection { [TrainingTelemetryConventions.Step] = point.Step };
                foreach (var (name, value) in MetricValues.Of(point))
                {
                    tags[TrainingTelemetryConventions.Metric(name)] = value;
                }
                span?.AddEvent(new ActivityEvent(TrainingTelemetryConventions.StepsSpan, point.Timestamp, tags));
            }
        }
        pendingSteps.Clear();
    }

    private void ReportFinding(Contracts.Runs.RunFinding finding)
    {
        using (var span = telemetry.Source.StartActivity(TrainingTelemetryConventions.FindingSpan, ActivityKind.Internal, run?.Context ?? default))
        {
            span?.SetTag(TrainingTelemetryConventions.RunId, job.RunId.ToString());
            span?.SetTag(TrainingTelemetryConventions.Finding, JsonSerializer.Serialize(finding, ContractJson.Options));
        }
        logger.LogWarning("Run {RunId} finding {Finding} ({Severity}): {Summary}", job.RunId, finding.Id, finding.Severity, finding.Summary);
    }

    private void ReportCheckpoint(CheckpointSaved checkpoint)
    {
        // The engine reports a checkpoint once it is stored; the span marks that moment in the run's timeline.
        using var span = StartStep(TrainingTelemetryConventions.CheckpointSpan);
        span?.SetTag(TrainingTelemetryConventions.CheckpointName, checkpoint.Name);
        span?.SetTag(TrainingTelemetryConventions.CheckpointEpoch, checkpoint.Epoch);
        span?.SetTag(TrainingTelemetryConventions.CheckpointIsBest, checkpoint.IsBest);
        if (checkpoint.SamplesInEpoch is { } samples)
        {
            span?.SetTag(TrainingTelemetryConventions.CheckpointSamplesInEpoch, samples);
        }
    }

    private void ReportResult(FinalReport report)
    {
        var tags = new ActivityTagsCollection
        {
            [TrainingTelemetryConventions.Metric(MetricNames.Accuracy)] = report.Accuracy,
            [TrainingTelemetryConventions.Metric(MetricNames.MacroF1)] = report.MacroF1,
            [TrainingTelemetryConventions.Metric(MetricNames.ValidationLoss)] = report.ValidationLoss,
            [TrainingTelemetryConventions.Metric(MetricNames.BestEpoch)] = report.BestEpoch,
            [TrainingTelemetryConventions.Metric(MetricNames.EpochsCompleted)] = report.EpochsCompleted,
            [TrainingTelemetryConventions.Metric(MetricNames.ExportedEpoch)] = report.ExportedEpoch,
            [TrainingTelemetryConventions.ConfusionMatrix] = JsonSerializer.Serialize(new { labels = report.Classes, matrix = report.ConfusionMatrix }),
        };
        foreach (var perClass in report.PerClass)
        {
            tags[TrainingTelemetryConventions.PerClass(perClass.Class, PerClassFigures.Precision)] = perClass.Precision;
            tags[TrainingTelemetryConventions.PerClass(perClass.Class, PerClassFigures.Recall)] = perClass.Recall;
            tags[TrainingTelemetryConventions.PerClass(perClass.Class, PerClassFigures.F1)] = perClass.F1;
            tags[TrainingTelemetryConventions.PerClass(perClass.Class, PerClassFigures.Support)] = perClass.Support;
        }
        run?.AddEvent(new ActivityEvent(TrainingTelemetryConventions.ResultEvent, tags: tags));
        run?.SetStatus(ActivityStatusCode.Ok);
    }

    /// <summary>An OpenTelemetry attribute value keeps the parameter's type: numbers, booleans, strings, arrays of numbers.</summary>
    private static object Attribute(JsonElement value) => value.ValueKind switch
    {
        // The cast keeps an integer a long: without it the conditional's type would be double.
        JsonValueKind.Number => value.TryGetInt64(out var integer) ? (object)integer : value.GetDouble(),
        JsonValueKind.True or JsonValueKind.False => value.GetBoolean(),
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Array when value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.Number) => value.EnumerateArray().Select(item => item.GetDouble()).ToArray(),
        _ => value.GetRawText(),
    };

    public void Dispose() => run?.Dispose();
}
