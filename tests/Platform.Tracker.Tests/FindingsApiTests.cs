using System.Net.Http.Headers;
using System.Text.Json;
using Platform.Contracts;
using Platform.Contracts.Runs;
using Conventions = Platform.Contracts.Telemetry.TrainingTelemetryConventions;

namespace Platform.Tracker.Tests;

/// <summary>Step-level curves and the training doctor's findings as the trainer sends them, and remedy runs started from a finding.</summary>
[Collection(TrackerCollection.Name)]
public sealed class FindingsApiTests(TrackerFixture fixture)
{
    private static RunFinding Overfitting(double value) => new("overfitting", FindingKinds.Overfitting, FindingSeverities.Warning, $"Overfitting ({value}).",
        [new FindingEvidence("val_loss", CurveAxes.Epoch, 2, 5, [0.5, 0.6, 0.7, 0.8], "rose 3 epochs in a row")],
        [
            new FindingRemedy("Stronger weight decay.", new Dictionary<string, JsonElement> { ["weightDecay"] = JsonSerializer.SerializeToElement(value) }),
            new FindingRemedy("Label smoothing.", new Dictionary<string, JsonElement> { ["loss.labelSmoothing"] = JsonSerializer.SerializeToElement(0.1) }),
        ], 5, 50);

    private static OtlpRequests.Span FindingSpan(Guid run, RunFinding finding, long spanId) =>
        new(Conventions.FindingSpan, OtlpRequests.TraceId(run), OtlpRequests.SpanId(spanId), 1_700_000_000_000_000_000UL, 1_700_000_000_001_000_000UL,
            [(Conventions.RunId, run.ToString()), (Conventions.Finding, JsonSerializer.Serialize(finding, ContractJson.Options))]);

    [Fact]
    public async Task Step_points_make_step_axis_curves_beside_the_epochs_and_a_finding_is_kept_once_in_its_latest_version()
    {
        var (status, created) = await fixture.SendJsonAsync(HttpMethod.Post, "/experiments/doctor/runs", new
        {
            dataset = new { name = "fashion-mnist", version = 2 },
            modelName = "fashion-classifier",
            config = new { architecture = "small_cnn", epochs = 5, weightDecay = 0.01 },
        });
        Assert.Equal(201, status);
        var parent = created.GetProperty("id").GetGuid();
        var steps = new OtlpRequests.Span(Conventions.StepsSpan, OtlpRequests.TraceId(parent), OtlpRequests.SpanId(7), 1_700_000_000_000_000_000UL,
            1_700_000_001_000_000_000UL, [(Conventions.RunId, parent.ToString())],
            Events: [.. Enumerable.Range(1, 4).Select(i => (Conventions.StepsSpan, 1_700_000_000_000_000_000UL + (ulong)i * 1000,
                (IReadOnlyList<(string, object)>)[(Conventions.Step, (long)(i * 25)), (Conventions.Metric(Conventions.MetricNames.StepTrainLoss), 2.0 / i)]))]);

        await PostAsync(OtlpRequests.Request(steps, OtlpRequests.Epoch(parent, 1, [("train_loss", 1.5)]), FindingSpan(parent, Overfitting(0.02), 8)));
        await PostAsync(OtlpRequests.Request(FindingSpan(parent, Overfitting(0.05), 9)));

        var run = await fixture.GetJsonAsync($"/runs/{parent}");
        var curves = run.GetProperty("curves").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(("step", 100L, 4L), (curves["step_train_loss"].GetProperty("axis").GetString(), curves["step_train_loss"].GetProperty("lastStep").GetInt64(),
            curves["step_train_loss"].GetProperty("points").GetInt64()));
        Assert.Equal("epoch", curves["train_loss"].GetProperty("axis").GetString());
        var finding = Assert.Single(run.GetProperty("findings").EnumerateArray());
        Assert.Equal(("overfitting", "warning", 0.05), (finding.GetProperty("id").GetString(), finding.GetProperty("severity").GetString(),
            finding.GetProperty("remedies")[0].GetProperty("changes").GetProperty("weightDecay").GetDouble()));
        Assert.Equal(2, finding.GetProperty("evidence")[0].GetProperty("from").GetInt64());

        // The remedy run: the parent's dataset, model and configuration with exactly the remedy's field changed, linked to the parent.
        var (remedyStatus, remedy) = await fixture.SendJsonAsync(HttpMethod.Post, $"/runs/{parent}/findings/overfitting/remedy?remedy=1", null);
        Assert.True(remedyStatus == 201, remedy.ToString());
        var child = remedy.GetProperty("id").GetGuid();
        Assert.Equal((parent, "overfitting#1"), (remedy.GetProperty("parentRunId").GetGuid(), remedy.GetProperty("remedyOf").GetString()));
        Assert.Equal(("doctor", "fashion-classifier"), (remedy.GetProperty("experiment").GetString(), remedy.GetProperty("modelName").GetString()));
        var command = await fixture.WaitForPublishedAsync<TrainModel>(m => m.RunId == child);
        Assert.Equal(0.1, JsonDocument.Parse(command.TrainingConfigJson).RootElement.GetProperty("loss").GetProperty("labelSmoothing").GetDouble());

        var comparison = await fixture.GetJsonAsync($"/runs/compare?ids={parent},{child}");
        var differing = comparison.GetProperty("parameters").EnumerateArray().Where(p => p.GetProperty("differs").GetBoolean()).ToList();
        var changed = Assert.Single(differing);
        Assert.Equal(("loss.label_smoothing", "0.1"), (changed.GetProperty("name").GetString(), changed.GetProperty("values").GetProperty(child.ToString()).GetString()));
    }

    [Fact]
    public async Task A_remedy_of_an_unknown_finding_or_index_is_refused_clearly()
    {
        var (_, created) = await fixture.SendJsonAsync(HttpMethod.Post, "/experiments/doctor/runs", new
        {
            dataset = new { name = "fashion-mnist", version = 2 },
            modelName = "fashion-classifier",
            config = new { architecture = "small_cnn", epochs = 5 },
        });
        var id = created.GetProperty("id").GetGuid();
        await PostAsync(OtlpRequests.Request(FindingSpan(id, Overfitting(0.05), 3)));

        var (unknown, unknownBody) = await fixture.SendJsonAsync(HttpMethod.Post, $"/runs/{id}/findings/exploding-gradients/remedy", null);
        var (outOfRange, outOfRangeBody) = await fixture.SendJsonAsync(HttpMethod.Post, $"/runs/{id}/findings/overfitting/remedy?remedy=5", null);
        var (noRun, _) = await fixture.SendJsonAsync(HttpMethod.Post, $"/runs/{Guid.NewGuid()}/findings/overfitting/remedy", null);

        Assert.Equal(404, unknown);
        Assert.Contains("Its findings: overfitting", unknownBody.GetProperty("detail").GetString());
        Assert.Equal(400, outOfRange);
        Assert.True(outOfRangeBody.GetProperty("errors").TryGetProperty("remedy", out _));
        Assert.Equal(404, noRun);
    }

    private async Task PostAsync(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var response = await fixture.Tracker.Client.PostAsync("/v1/traces", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
