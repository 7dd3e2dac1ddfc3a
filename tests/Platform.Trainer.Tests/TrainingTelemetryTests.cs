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
    public void Step_points_leave_a_few_per_span_on_the_global_step_axis_and_findings_as_json()
    {
        var runId = Guid.NewGuid();
        var spans = new List<Activity>();
        using var listener = Listen(runId, spans);
        using var telemetry = new TrainingTelemetry();
        var job = TrainerFixture.Job(runId, TrainerFixture.SmallCnnConfig(epochs: 1));
        var config = TrainingConfig.FromJson(job.TrainingConfigJson);
        var finding = new Platform.Contracts.Runs.RunFinding("overfitting", "overfitting", "warning", "Overfitting.",
            [new("val_loss", "epoch", 2, 5, [0.5, 0.6], "rose")], [new("More decay.", new Dictionary<string, System.Text.Json.JsonElement>
            {
                ["weightDecay"] = System.Text.Json.JsonSerializer.SerializeToElement(0.05),
            })], 5, 50);

        using (var observer = new RunTelemetryObserver(telemetry, job, config, attempt: 1, why: "first attempt", NullLogger.Instance))
        {
            observer.OnEvent(new RunStarted("cpu", 1, config, 1000, 900, 60, 10, ["a", "b"], StartEpoch: 1));
            for (int step = 1; step <= 7; step++)
            {
                observer.OnEvent(new StepLogged(step * 10, 1, 1.0 / step, 0.001, step == 7 ? double.NaN : 2.0, null));
            }
            Assert.Single(spans, s => s.OperationName == Conventions.StepsSpan);
            observer.OnEvent(new FindingRaised(finding));
            observer.OnEvent(new EpochCompleted(new EpochMetrics(1, 70, 0.5, 0.8, null, 0.6, 0.75, null, 0.001, 1.5, 2.0, 400, 0.1, 0.05, false, false, null, 0,
                Blocks: [new BlockFigures("stem", 0.01, 3.0, 1e-3), new BlockFigures("head", null, 1.0, null)])));
        }

        var stepSpans = spans.Where(s => s.OperationName == Conventions.StepsSpan).ToList();
        Assert.Equal([5, 2], stepSpans.Select(s => s.Events.Count()));
        Assert.All(stepSpans, s => Assert.Equal(runId.ToString(), s.GetTagItem(Conventions.RunId)));
        var events = stepSpans.SelectMany(s => s.Events).ToList();
        Assert.Equal([10L, 20, 30, 40, 50, 60, 70], events.Select(e => (long)e.Tags.Single(t => t.Key == Conventions.Step).Value!));
        Assert.Equal(1.0 / 3, (double)events[2].Tags.Single(t => t.Key == Conventions.Metric(MetricNames.StepTrainLoss)).Value!);
        Assert.DoesNotContain(events[6].Tags, t => t.Key == Conventions.Metric(MetricNames.StepGradientNorm));
        var reported = spans.Single(s => s.OperationName == Conventions.FindingSpan);
        var json = (string)reported.GetTagItem(Conventions.Finding)!;
        var decoded = System.Text.Json.JsonSerializer.Deserialize<Platform.Contracts.Runs.RunFinding>(json, Platform.Contracts.ContractJson.Options)!;
        Assert.Equal(("overfitting", 0.05), (decoded.Id, decoded.Remedies[0].Changes["weightDecay"].GetDouble()));
        var epoch = spans.Single(s => s.OperationName == Conventions.EpochSpan);
        Assert.Equal(0.01, epoch.GetTagItem(Conventions.Metric(MetricNames.BlockGradientNormPrefix + "stem")));
        Assert.Equal(1.0, epoch.GetTagItem(Conventions.Metric(MetricNames.BlockWeightNormPrefix + "head")));
        Assert.Null(epoch.GetTagItem(Conventions.Metric(MetricNames.BlockGradientNormPrefix + "head")));
    }

    private static ActivityListener Listen(Guid runId, List<Activity> spans)
    {
        var traceId = TrainingTelemetry.TraceIdOf(runId);
        var listener = new ActivityListener
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
        return listener;
    }

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
