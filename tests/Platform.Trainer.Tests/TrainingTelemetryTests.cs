using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Trainer.Telemetry;
using Platform.Training.Configuration;
using Platform.Training.Engine;
using Conventions = Platform.Contracts.Telemetry.TrainingTelemetryConventions;
using MetricNames = Platform.Contracts.Telemetry.TrainingTelemetryConventions.MetricNames;

namespace Platform.Trainer.Tests;

/// <summary>The trainer's spans for one run, recorded in this process (no trainer process, no exporter).</summary>
public sealed class TrainingTelemetryTests
{
    [Fact]
    public void A_cancelled_run_reports_its_epochs_and_ends_its_run_span_marked_cancelled()
    {
        var runId = Guid.NewGuid();
        var traceId = TrainingTelemetry.TraceIdOf(runId);
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == TrainingTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span =>
            {
                if (span.TraceId == traceId)
                {
                    lock (spans)
                    {
                        spans.Add(span);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var telemetry = new TrainingTelemetry();
        var job = TrainerFixture.Job(runId, TrainerFixture.SmallCnnConfig(epochs: 3));
        var config = TrainingConfig.FromJson(job.TrainingConfigJson);

        using (var observer = new RunTelemetryObserver(telemetry, job, config, attempt: 2, why: "taken over", NullLogger.Instance))
        {
            observer.OnEvent(new RunStarted("cpu", 1, config, 1000, 900, 60, 10, ["a", "b"], StartEpoch: 2));
            observer.OnEvent(new EpochCompleted(new EpochMetrics(2, 20, TrainLoss: 0.5, TrainAccuracy: 0.8, null, ValidationLoss: 0.6,
                ValidationAccuracy: 0.75, null, LearningRate: 0.003, GradientNorm: 1.5, 2.0, ImagesPerSecond: 400, 0.1, 0.05, false, false, null, 0)));
            observer.OnEvent(new RunCancelled(Epoch: 3, Step: 25));
        }

        Assert.Equal([Conventions.EpochSpan, Conventions.RunSpan, Conventions.StartedSpan], spans.Select(s => s.OperationName).Order(StringComparer.Ordinal));
        var run = spans.Single(s => s.OperationName == Conventions.RunSpan);
        Assert.Equal((runId.ToString(), "tests", 2, 2), ((string?)run.GetTagItem(Conventions.RunId), (string?)run.GetTagItem(Conventions.Experiment),
            (int?)run.GetTagItem(Conventions.Attempt), (int?)run.GetTagItem(Conventions.StartEpoch)));
        Assert.Equal(true, run.GetTagItem(Conventions.Cancelled));
        Assert.Equal("taken over", run.GetTagItem(Conventions.AttemptReason));
        var cancelled = Assert.Single(run.Events);
        Assert.Equal((Conventions.CancelledEvent, (object?)3), (cancelled.Name, cancelled.Tags.Single(t => t.Key == Conventions.Step).Value));
        Assert.Equal(3L, run.GetTagItem(Conventions.Param("epochs")));
        var started = spans.Single(s => s.OperationName == Conventions.StartedSpan);
        Assert.Equal(run.TagObjects.Select(t => t.Key).Where(k => k != Conventions.Cancelled).Order(), started.TagObjects.Select(t => t.Key).Order());
        var epoch = spans.Single(s => s.OperationName == Conventions.EpochSpan);
        Assert.Equal(2, epoch.GetTagItem(Conventions.Step));
        Assert.Equal(
            [(MetricNames.TrainLoss, 0.5), (MetricNames.TrainAccuracy, 0.8), (MetricNames.ValidationLoss, 0.6), (MetricNames.ValidationAccuracy, 0.75),
                (MetricNames.LearningRate, 0.003), (MetricNames.GradientNorm, 1.5), (MetricNames.ImagesPerSecond, 400.0)],
            epoch.TagObjects.Where(t => t.Key.StartsWith(Conventions.MetricsPrefix, StringComparison.Ordinal))
                .Select(t => (t.Key[Conventions.MetricsPrefix.Length..], (double)t.Value!)));
    }
}
