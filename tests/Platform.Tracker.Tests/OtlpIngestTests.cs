using Platform.Testing;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Platform.Testing.Otlp;
using MetricNames = Platform.Contracts.Telemetry.TrainingTelemetryConventions.MetricNames;
using PerClassFigures = Platform.Contracts.Telemetry.TrainingTelemetryConventions.PerClassFigures;
using Conventions = Platform.Contracts.Telemetry.TrainingTelemetryConventions;

namespace Platform.Tracker.Tests;

[Collection(TrackerCollection.Name)]
public sealed class OtlpIngestTests(TrackerFixture fixture)
{
    private static double TrainLoss(int epoch) => 1.0 / (epoch + 1);

    private static double ValAccuracy(int epoch) => 1.0 - 0.5 / (epoch + 1);

    [Theory]
    [InlineData("none")]
    [InlineData("gzip")]
    public async Task A_run_logged_by_a_plain_OpenTelemetry_SDK_client_appears_with_its_parameters_and_curves(string compression)
    {
        var runId = Guid.NewGuid();
        await OtelClient.RunToCompletionAsync(fixture.Tracker.Address, ["--run-id", runId.ToString(), "--experiment", "sdk-client", "--epochs", "6"], compression);

        var run = await fixture.Tracker.PollAsync($"/runs/{runId}", r => r.GetProperty("state").GetString() == "completed");
        Assert.Equal("sdk-client", run.GetProperty("experiment").GetString());
        Assert.Equal("sample-classifier", run.GetProperty("modelName").GetString());
        Assert.Equal("fashion-mnist", run.GetProperty("datasetName").GetString());
        Assert.Equal(3, run.GetProperty("datasetVersion").GetInt32());
        Assert.Equal("cpu", run.GetProperty("device").GetString());
        var parameters = run.GetProperty("params");
        Assert.Equal(0.001, parameters.GetProperty("lr").GetDouble());
        Assert.Equal("adamw", parameters.GetProperty("optimizer").GetString());
        Assert.Equal(64, parameters.GetProperty("batch_size").GetInt32());
        Assert.Equal(2, parameters.GetProperty("schedule.warmup_epochs").GetInt32());
        Assert.Equal(["grad_norm", "lr", "train_loss", "val_accuracy"],
            run.GetProperty("curves").EnumerateArray().Select(c => c.GetProperty("name").GetString()!));
        Assert.All(run.GetProperty("curves").EnumerateArray(), c => Assert.Equal(6, c.GetProperty("points").GetInt64()));

        var loss = await fixture.GetJsonAsync($"/runs/{runId}/metrics/train_loss?full=true");
        Assert.Equal([0L, 1, 2, 3, 4, 5], loss.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()));
        Assert.Equal(Enumerable.Range(0, 6).Select(TrainLoss), loss.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));

        Assert.Equal(ValAccuracy(5), run.GetProperty("finalMetrics").GetProperty("test_accuracy").GetDouble());
        Assert.Equal(0.75, run.GetProperty("perClass").GetProperty("cat.precision").GetDouble());
        var matrix = run.GetProperty("confusionMatrix");
        Assert.Equal(["cat", "dog"], matrix.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!));
        Assert.Equal(3, matrix.GetProperty("matrix")[0][0].GetInt64());
    }

    [Fact]
    public async Task The_sample_client_spells_every_name_as_the_telemetry_contract_does()
    {
        // OtelClientSample stands for a script that knows nothing of Platform, so it writes the names out itself.
        var runId = Guid.NewGuid();
        await using var receiver = OtlpReceiver.Start();
        await OtelClient.RunToCompletionAsync(receiver.Endpoint, ["--run-id", runId.ToString(), "--epochs", "2"]);

        var spans = receiver.Spans;
        var run = Assert.Single(spans, s => s.Name == Conventions.RunSpan);
        var epochs = spans.Where(s => s.Name == Conventions.EpochSpan).ToList();
        Assert.Equal(3, spans.Count);
        Assert.Equal(["0", "1"], epochs.Select(e => e.Attribute(Conventions.Step)!).Order());
        Assert.All(spans, s => Assert.Equal(runId.ToString(), s.Attribute(Conventions.RunId)));
        Assert.Equal([Conventions.DatasetName, Conventions.DatasetVersion, Conventions.Device, Conventions.Experiment, Conventions.ModelName, Conventions.RunId],
            run.Attributes.Keys.Where(k => !k.StartsWith(Conventions.ParamsPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.Contains(Conventions.Param("lr"), run.Attributes.Keys);
        Assert.All(epochs, e => Assert.Equal(
            new[] { MetricNames.TrainLoss, MetricNames.ValidationAccuracy, MetricNames.LearningRate, MetricNames.GradientNorm }
                .Select(Conventions.Metric).Append(Conventions.RunId).Append(Conventions.Step).Order(StringComparer.Ordinal),
            e.Attributes.Keys.Order(StringComparer.Ordinal)));
        var result = Assert.Single(run.Events);
        Assert.Equal(Conventions.ResultEvent, result.Name);
        Assert.Equal(
            new[]
            {
                Conventions.Metric("test_accuracy"), Conventions.ConfusionMatrix,
                Conventions.PerClass("cat", PerClassFigures.Precision), Conventions.PerClass("cat", PerClassFigures.Recall),
                Conventions.PerClass("dog", PerClassFigures.Precision), Conventions.PerClass("dog", PerClassFigures.Recall),
            }.Order(StringComparer.Ordinal),
            result.Attributes.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_failed_run_span_marks_the_run_failed_with_its_status_message()
    {
        var runId = Guid.NewGuid();
        await OtelClient.RunToCompletionAsync(fixture.Tracker.Address, ["--run-id", runId.ToString(), "--epochs", "2", "--fail", "loss became NaN"]);

        var run = await fixture.Tracker.PollAsync($"/runs/{runId}", r => r.GetProperty("state").GetString() != "running");
        Assert.Equal("failed", run.GetProperty("state").GetString());
        Assert.Equal("loss became NaN", run.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Every_attempt_a_trainer_announces_is_in_the_run_record_with_where_it_resumed_and_why()
    {
        var runId = Guid.NewGuid();
        OtlpRequests.Span Started(int attempt, int startEpoch, string why) => new(Conventions.StartedSpan, OtlpRequests.TraceId(runId), OtlpRequests.SpanId(attempt),
            1_700_000_000_000_000_000UL + (ulong)attempt * 60_000_000_000UL, 1_700_000_000_001_000_000UL + (ulong)attempt * 60_000_000_000UL,
            [(Conventions.RunId, runId.ToString()), (Conventions.Attempt, (long)attempt), (Conventions.StartEpoch, (long)startEpoch),
             (Conventions.AttemptReason, why), (Conventions.Device, "cpu")]);
        var second = OtlpRequests.Request(Started(2, 2, "taken over: the trainer of attempt 1 stopped renewing its lease (killed or cut off)"));

        foreach (var request in new[] { OtlpRequests.Request(Started(1, 1, "first attempt")), second, second })
        {
            using var response = await PostProtobufAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var run = await fixture.GetJsonAsync($"/runs/{runId}");
        Assert.Equal(2, run.GetProperty("attempt").GetInt32());
        var attempts = run.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal([1, 2], attempts.Select(a => a.GetProperty("attempt").GetInt32()));
        Assert.Equal(2, attempts[1].GetProperty("startEpoch").GetInt32());
        Assert.StartsWith("taken over", attempts[1].GetProperty("why").GetString());
    }

    [Fact]
    public async Task A_resent_batch_and_out_of_order_epochs_store_each_point_exactly_once()
    {
        var runId = Guid.NewGuid();
        var late = OtlpRequests.Request(OtlpRequests.Epoch(runId, 3, [("val_loss", 0.3)]), OtlpRequests.Epoch(runId, 1, [("val_loss", 0.1)]));
        var early = OtlpRequests.Request(OtlpRequests.Epoch(runId, 2, [("val_loss", 0.2)]), OtlpRequests.Epoch(runId, 0, [("val_loss", 0.05)]));

        var expectedCounts = new[] { 2, 4, 4, 4, 4 };
        var sends = new[] { late, early, late, early, late };
        for (var i = 0; i < sends.Length; i++)
        {
            using var response = await PostProtobufAsync(sends[i]);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
            // Reading between writes exercises both the cached curve and the writes merged into it.
            var sofar = await fixture.GetJsonAsync($"/runs/{runId}/metrics/val_loss?full=true");
            Assert.Equal(expectedCounts[i], sofar.GetProperty("totalPoints").GetInt64());
        }

        var curve = await fixture.GetJsonAsync($"/runs/{runId}/metrics/val_loss?full=true");
        Assert.Equal(4, curve.GetProperty("totalPoints").GetInt64());
        Assert.Equal([0L, 1, 2, 3], curve.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()));
        Assert.Equal([0.05, 0.1, 0.2, 0.3], curve.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        var run = await fixture.GetJsonAsync($"/runs/{runId}");
        Assert.Equal(0.3, run.GetProperty("metrics").GetProperty("val_loss").GetDouble());
        Assert.Equal("running", run.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Spans_without_a_run_id_are_ignored_and_a_bad_run_id_is_reported_as_partial_success()
    {
        var other = new OtlpRequests.Span("GET /", OtlpRequests.TraceId(Guid.NewGuid()), OtlpRequests.SpanId(1), 1, 2, [("http.method", "GET")]);
        var bad = new OtlpRequests.Span(Conventions.EpochSpan, OtlpRequests.TraceId(Guid.NewGuid()), OtlpRequests.SpanId(2), 1, 2,
            [(Conventions.RunId, "run-7"), (Conventions.Step, 1L), (Conventions.Metric("loss"), 1.0)]);

        using var response = await PostProtobufAsync(OtlpRequests.Request(other, bad));
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var partial = new Google.Protobuf.CodedInputStream(body);
        Assert.Equal(1, Google.Protobuf.WireFormat.GetTagFieldNumber(partial.ReadTag()));
        var inner = new Google.Protobuf.CodedInputStream(partial.ReadBytes().ToByteArray());
        inner.ReadTag();
        Assert.Equal(1, inner.ReadInt64());
        inner.ReadTag();
        Assert.Contains("run-7", inner.ReadString());
    }

    [Fact]
    public async Task A_body_that_is_not_OTLP_is_refused_with_400()
    {
        using var response = await PostProtobufAsync([0x0A, 0xFF, 0xFF, 0x01]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("ExportTraceServiceRequest", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OTLP_JSON_is_accepted_too()
    {
        var runId = Guid.NewGuid();
        var json = $$$"""
            {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
              "name":"training.epoch","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000001000000000",
              "attributes":[{"key":"platform.run_id","value":{"stringValue":"{{{runId}}}"}},{"key":"platform.experiment","value":{"stringValue":"json-client"}},
                {"key":"step","value":{"intValue":"4"}},{"key":"metrics.train_loss","value":{"doubleValue":0.25}},
                {"key":"params.layers","value":{"intValue":"18"}}]}]}]}]}
            """;
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await fixture.Tracker.Client.PostAsync("/v1/traces", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var run = await fixture.GetJsonAsync($"/runs/{runId}");
        Assert.Equal("json-client", run.GetProperty("experiment").GetString());
        Assert.Equal(18, run.GetProperty("params").GetProperty("layers").GetInt32());
        Assert.Equal(0.25, run.GetProperty("metrics").GetProperty("train_loss").GetDouble());
    }

    [Fact]
    public async Task A_tracker_crash_in_the_middle_of_a_run_loses_and_duplicates_nothing()
    {
        await using var trackerProcess = await fixture.UseTrackerProcessAsync();
        var runId = Guid.NewGuid();
        const int epochs = 40;
        await using var client = OtelClient.Start(fixture.Tracker.Address,
            ["--run-id", runId.ToString(), "--experiment", "crash", "--epochs", epochs.ToString(), "--pace-ms", "150", "--retry-until-delivered"]);
        await fixture.Tracker.PollAsync($"/runs/{runId}",
            r => r.GetProperty("curves").EnumerateArray().Any(c => c.GetProperty("name").GetString() == "train_loss" && c.GetProperty("lastStep").GetInt64() >= 5));

        Assert.False(client.HasExited, "The client must still be exporting when the tracker crashes.");
        await fixture.RestartTrackerAsync(whileDown: () => Task.Delay(TimeSpan.FromSeconds(1)));
        await OtelClient.WaitForExitAsync(client, TimeSpan.FromMinutes(2));

        var run = await fixture.Tracker.PollAsync($"/runs/{runId}", r => r.GetProperty("state").GetString() == "completed");
        Assert.True(run.GetProperty("curves").EnumerateArray().All(c => c.GetProperty("points").GetInt64() == epochs), run.ToString());
        var loss = await fixture.GetJsonAsync($"/runs/{runId}/metrics/train_loss?full=true");
        Assert.Equal(Enumerable.Range(0, epochs).Select(e => (long)e), loss.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()));
        Assert.Equal(Enumerable.Range(0, epochs).Select(TrainLoss), loss.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
    }

    [Fact]
    public async Task Redis_restarted_in_the_middle_of_a_run_loses_and_duplicates_no_point_the_tracker_acknowledged()
    {
        var runId = Guid.NewGuid();
        const int epochs = 40;
        await using var client = OtelClient.Start(fixture.Tracker.Address,
            ["--run-id", runId.ToString(), "--experiment", "redis-restart", "--epochs", epochs.ToString(), "--pace-ms", "150", "--retry-until-delivered"]);
        await fixture.Tracker.PollAsync($"/runs/{runId}",
            r => r.GetProperty("curves").EnumerateArray().Any(c => c.GetProperty("name").GetString() == "train_loss" && c.GetProperty("lastStep").GetInt64() >= 5));

        Assert.False(client.HasExited, "The client must still be exporting when Redis goes away.");
        await using (await fixture.Servers.StopRedisAsync())
        {
            // Batches sent meanwhile are answered 503 with Retry-After and sent again by the exporter.
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        await OtelClient.WaitForExitAsync(client, TimeSpan.FromMinutes(2));

        var run = await fixture.Tracker.PollAsync($"/runs/{runId}", r => r.GetProperty("state").GetString() == "completed", TimeSpan.FromSeconds(60));
        Assert.True(run.GetProperty("curves").EnumerateArray().All(c => c.GetProperty("points").GetInt64() == epochs), run.ToString());
        var loss = await fixture.GetJsonAsync($"/runs/{runId}/metrics/train_loss?full=true");
        Assert.Equal(Enumerable.Range(0, epochs).Select(e => (long)e), loss.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()));
        Assert.Equal(Enumerable.Range(0, epochs).Select(TrainLoss), loss.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
    }

    [Fact]
    public async Task Without_Redis_the_receiver_answers_503_with_Retry_After_so_the_exporter_retries()
    {
        var environment = new Dictionary<string, string?>(fixture.Servers.ServiceEnvironment())
        {
            ["ConnectionStrings__redis"] = $"127.0.0.1:{Platform.Testing.FreePort.Next()},connectTimeout=1000,syncTimeout=1000,asyncTimeout=1000",
        };
        await using var tracker = await InProcessService<Program>.StartAsync(environment, readyPath: "/alive");
        using var content = new ByteArrayContent(OtlpRequests.Request(OtlpRequests.Epoch(Guid.NewGuid(), 1, [("loss", 1.0)])));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");

        using var response = await tracker.Client.PostAsync("/v1/traces", content);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        using var health = await tracker.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
    }

    private async Task<HttpResponseMessage> PostProtobufAsync(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return await fixture.Tracker.Client.PostAsync("/v1/traces", content);
    }
}
