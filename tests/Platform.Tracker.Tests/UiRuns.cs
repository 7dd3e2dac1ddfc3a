using System.Net.Http.Headers;
using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Runs;
using Platform.Testing;
using Conventions = Platform.Contracts.Telemetry.TrainingTelemetryConventions;

namespace Platform.Tracker.Tests;

/// <summary>Runs for the UI tests, logged through OTLP as a trainer would (epoch spans, then the run span with its results).</summary>
public static class UiRuns
{
    public const string ConfusionMatrixJson = """{"labels": ["cat", "dog"], "matrix": [[50, 2], [3, 45]]}""";

    /// <summary>The train_loss logged at an epoch: falling, with a wobble so that smoothing visibly changes it.</summary>
    public static double TrainLoss(long epoch, double lr) => Math.Round(1.0 / (epoch + 1) + (epoch % 2 == 0 ? 0.08 : -0.05) + lr, 6);

    public static OtlpRequests.Span Epoch(Guid run, long epoch, double lr) =>
        OtlpRequests.Epoch(run, epoch, [("train_loss", TrainLoss(epoch, lr)), ("val_loss", TrainLoss(epoch, lr) + 0.1), ("val_accuracy", 0.5 + epoch * 0.04)]);

    /// <summary>Logs <paramref name="epochs"/> epochs; with <paramref name="complete"/> the run span ends it with final results.</summary>
    public static async Task<Guid> LogAsync(ServiceUnderTest tracker, string experiment, int epochs, double lr = 0.001, bool complete = true)
    {
        var run = Guid.NewGuid();
        var spans = Enumerable.Range(0, epochs).Select(e => Epoch(run, e, lr)).ToList();
        spans.Add(new OtlpRequests.Span(Conventions.StartedSpan, OtlpRequests.TraceId(run), OtlpRequests.SpanId(2), 1_700_000_000_000_000_000UL, 1_700_000_000_001_000_000UL,
            [(Conventions.RunId, run.ToString()), (Conventions.Experiment, experiment), (Conventions.Device, "cpu"),
             (Conventions.ParamsPrefix + "lr", lr), (Conventions.ParamsPrefix + "optimizer.kind", "adamw")]));
        if (complete)
        {
            spans.Add(new OtlpRequests.Span(Conventions.RunSpan, OtlpRequests.TraceId(run), OtlpRequests.SpanId(1), 1_700_000_000_000_000_000UL, 1_700_000_060_000_000_000UL,
                [(Conventions.RunId, run.ToString()), (Conventions.Experiment, experiment)], StatusCode: 1,
                Events: [(Conventions.ResultEvent, 1_700_000_059_000_000_000UL, [
                    (Conventions.Metric("test_accuracy"), 0.95), (Conventions.ConfusionMatrix, ConfusionMatrixJson),
                    (Conventions.PerClass("cat", "recall"), 50.0 / 52), (Conventions.PerClass("dog", "recall"), 45.0 / 48)])]));
        }
        await PostAsync(tracker, [.. spans]);
        return run;
    }

    /// <summary>An overfitting finding whose one remedy sets weightDecay, as the trainer's doctor sends it.</summary>
    public static OtlpRequests.Span OverfittingFinding(Guid run) =>
        new(Conventions.FindingSpan, OtlpRequests.TraceId(run), OtlpRequests.SpanId(9), 1_700_000_000_000_000_000UL, 1_700_000_000_001_000_000UL,
            [(Conventions.RunId, run.ToString()), (Conventions.Finding, JsonSerializer.Serialize(new RunFinding("overfitting", FindingKinds.Overfitting,
                FindingSeverities.Warning, "val_loss rose while train_loss fell: the model memorises the training images.",
                [new FindingEvidence("val_loss", CurveAxes.Epoch, 1, 3, [0.5, 0.6, 0.7], "rose 2 epochs in a row")],
                [new FindingRemedy("Stronger weight decay.", new Dictionary<string, JsonElement> { ["weightDecay"] = JsonSerializer.SerializeToElement(0.05) })],
                3, 30), ContractJson.Options))]);

    public static async Task PostAsync(ServiceUnderTest tracker, params OtlpRequests.Span[] spans)
    {
        var content = new ByteArrayContent(OtlpRequests.Request(spans));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var response = await tracker.Client.PostAsync("/v1/traces", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
