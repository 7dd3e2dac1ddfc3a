using Platform.Testing;
using System.Net.Http.Headers;
using System.Text.Json;
using Platform.Contracts;
using Platform.Testing.TensorBoard;
using Conventions = Platform.Contracts.Telemetry.TrainingTelemetryConventions;

namespace Platform.Tracker.Tests;

[Collection(TrackerCollection.Name)]
public sealed class RunsApiTests(TrackerFixture fixture)
{
    private static object ValidRequest(string dataset = "fashion-mnist", double lr = 0.001, string optimizer = "adamw") => new
    {
        dataset = new { name = dataset, version = 2 },
        modelName = "fashion-classifier",
        config = new { architecture = "small_cnn", lr, epochs = 3, batchSize = 64, optimizer = new { kind = optimizer } },
    };

    private async Task<Guid> CreateRunAsync(string experiment, object request)
    {
        var (status, body) = await fixture.SendJsonAsync(HttpMethod.Post, $"/experiments/{experiment}/runs", request);
        Assert.True(status == 201, body.ToString());
        return body.GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task Without_a_broker_run_creation_answers_503_with_retry_after_and_records_no_run()
    {
        // A tracker whose broker is unreachable (nothing listens on the port): the fault a RabbitMQ restart causes while it lasts.
        var environment = new Dictionary<string, string?>(fixture.Servers.ServiceEnvironment())
        {
            ["ConnectionStrings__messaging"] = $"amqp://guest:guest@127.0.0.1:{FreePort.Next()}/",
        };
        await using var tracker = await ServiceHost.StartAsync("Platform.Tracker", environment, readyPath: "/alive");
        using var client = new HttpClient { BaseAddress = tracker.Address };

        using var response = await client.PostAsync("/experiments/no-broker/runs", System.Net.Http.Json.JsonContent.Create(ValidRequest()));
        using var runs = await client.GetAsync("/runs?experiment=no-broker");

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After");
        Assert.Equal("[]", (await runs.Content.ReadAsStringAsync()).Trim());
    }

    [Fact]
    public async Task Creating_a_run_records_it_as_queued_and_publishes_TrainModel_with_the_run_id()
    {
        var (status, run) = await fixture.SendJsonAsync(HttpMethod.Post, "/experiments/create/runs", ValidRequest());

        Assert.Equal(201, status);
        var id = run.GetProperty("id").GetGuid();
        Assert.Equal("queued", run.GetProperty("state").GetString());
        Assert.Equal("adamw", run.GetProperty("params").GetProperty("optimizer.kind").GetString());
        Assert.Equal(0.001, run.GetProperty("params").GetProperty("lr").GetDouble());
        // One name per parameter, the one the trainer's telemetry uses too (snake_case), never a camelCase twin.
        Assert.Equal(2, run.GetProperty("params").GetProperty("checkpoint.keep_last").GetInt32());
        Assert.False(run.GetProperty("params").TryGetProperty("checkpoint.keepLast", out _));
        var command = await fixture.WaitForPublishedAsync<TrainModel>(m => m.RunId == id);
        Assert.Equal(("create", "fashion-mnist", 2, "fashion-classifier"), (command.Experiment, command.DatasetName, command.DatasetVersion, command.ModelName));
        Assert.Equal(3, JsonDocument.Parse(command.TrainingConfigJson).RootElement.GetProperty("epochs").GetInt32());
    }

    [Fact]
    public async Task A_downsampled_curve_answered_again_is_the_same_until_a_new_point_arrives_and_then_holds_it()
    {
        var runId = Guid.NewGuid();
        await PostAsync(OtlpRequests.Request([.. Enumerable.Range(0, 3000).Select(step => OtlpRequests.Epoch(runId, step, [("loss", Math.Sin(step / 13.0))]))]));
        var first = await fixture.GetJsonAsync($"/runs/{runId}/metrics/loss?maxPoints=100");
        var again = await fixture.GetJsonAsync($"/runs/{runId}/metrics/loss?maxPoints=100");
        Assert.Equal(first.GetRawText(), again.GetRawText());
        Assert.Equal(100, first.GetProperty("steps").GetArrayLength());

        // A later point (a spike, which LTTB must keep as the last point) and another size: neither answer is the kept one.
        await PostAsync(OtlpRequests.Request(OtlpRequests.Epoch(runId, 3000, [("loss", 50.0)])));
        var grown = await fixture.GetJsonAsync($"/runs/{runId}/metrics/loss?maxPoints=100");
        Assert.Equal(3001, grown.GetProperty("totalPoints").GetInt64());
        Assert.Equal((3000L, 50.0), (grown.GetProperty("steps")[99].GetInt64(), grown.GetProperty("values")[99].GetDouble()));
        Assert.Equal(50, (await fixture.GetJsonAsync($"/runs/{runId}/metrics/loss?maxPoints=50")).GetProperty("steps").GetArrayLength());
    }

    [Fact]
    public async Task A_queued_run_is_running_with_its_device_as_soon_as_the_trainers_started_span_arrives()
    {
        var id = await CreateRunAsync("started", ValidRequest());
        var started = new OtlpRequests.Span(Conventions.StartedSpan, OtlpRequests.TraceId(id), OtlpRequests.SpanId(1), 1_700_000_000_000_000_000UL,
            1_700_000_000_001_000_000UL, [(Conventions.RunId, id.ToString()), (Conventions.Device, "cpu"), (Conventions.Experiment, "started")]);

        await PostAsync(OtlpRequests.Request(started));

        var run = await fixture.GetJsonAsync($"/runs/{id}");
        Assert.Equal("running", run.GetProperty("state").GetString());
        Assert.Equal("cpu", run.GetProperty("device").GetString());
        Assert.Empty(run.GetProperty("curves").EnumerateArray());
    }

    [Fact]
    public async Task An_invalid_run_request_answers_400_listing_every_violation_by_field()
    {
        var (status, problem) = await fixture.SendJsonAsync(HttpMethod.Post, "/experiments/bad/runs", new
        {
            dataset = new { name = "", version = 0 },
            config = new { lr = -1.0, epochs = 0, batchSize = 0 },
        });

        Assert.Equal(400, status);
        var errors = problem.GetProperty("errors");
        var fields = errors.EnumerateObject().Select(e => e.Name).ToList();
        Assert.All(["config.batchSize", "config.epochs", "config.lr", "dataset.name", "dataset.version", "modelName"], field => Assert.Contains(field, fields));
        Assert.Contains("was -1", errors.GetProperty("config.lr")[0].GetString());
        Assert.DoesNotContain(fixture.Published.OfType<TrainModel>(), m => m.Experiment == "bad");
    }

    [Fact]
    public async Task A_dataset_name_ingest_could_never_create_is_refused_at_once()
    {
        var (status, problem) = await fixture.SendJsonAsync(HttpMethod.Post, "/experiments/names/runs", new
        {
            dataset = new { name = "Fashion_MNIST", version = 1 },
            modelName = "m",
            config = new { epochs = 1 },
        });

        Assert.Equal(400, status);
        Assert.Equal(["dataset.name"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Contains("lowercase", problem.GetProperty("errors").GetProperty("dataset.name")[0].GetString());
        Assert.DoesNotContain(fixture.Published.OfType<TrainModel>(), m => m.Experiment == "names");
    }

    [Fact]
    public async Task A_configuration_with_an_unknown_field_is_refused_naming_the_field()
    {
        var (status, problem) = await fixture.SendJsonAsync(HttpMethod.Post, "/experiments/typo/runs", new
        {
            dataset = new { name = "fashion-mnist", version = 1 },
            modelName = "m",
            config = new { learningRate = 0.1 },
        });

        Assert.Equal(400, status);
        Assert.Equal(["config.learningRate"], problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    [Fact]
    public async Task Unknown_runs_and_models_answer_404_with_a_clear_message()
    {
        var unknown = Guid.NewGuid();
        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, $"/runs/{unknown}"), (HttpMethod.Post, $"/runs/{unknown}/cancel"), (HttpMethod.Post, $"/runs/{unknown}/resume"),
            (HttpMethod.Get, $"/runs/{unknown}/metrics/loss"), (HttpMethod.Get, $"/runs/{unknown}/tensorboard"),
        })
        {
            var (status, problem) = await fixture.SendJsonAsync(method, path, null);
            Assert.Equal(404, status);
            Assert.Contains(unknown.ToString(), problem.GetProperty("detail").GetString());
        }
        var (modelStatus, modelProblem) = await fixture.SendJsonAsync(HttpMethod.Put, "/models/no-such-model/aliases/production", new { version = 1 });
        Assert.Equal(404, modelStatus);
        Assert.Contains("no-such-model", modelProblem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Cancelling_a_queued_run_publishes_CancelTraining_and_resume_queues_it_again_under_the_same_id()
    {
        var id = await CreateRunAsync("cancel-resume", ValidRequest());

        var (cancelStatus, cancelled) = await fixture.SendJsonAsync(HttpMethod.Post, $"/runs/{id}/cancel", null);
        Assert.Equal(202, cancelStatus);
        Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());
        await fixture.WaitForPublishedAsync<CancelTraining>(m => m.RunId == id);
        var (again, _) = await fixture.SendJsonAsync(HttpMethod.Post, $"/runs/{id}/cancel", null);
        Assert.Equal(409, again);

        var (resumeStatus, resumed) = await fixture.SendJsonAsync(HttpMethod.Post, $"/runs/{id}/resume", null);
        Assert.Equal(202, resumeStatus);
        Assert.Equal("queued", resumed.GetProperty("state").GetString());
        Assert.Equal(2, resumed.GetProperty("attempt").GetInt32());
        await fixture.Tracker.PollAsync("/runs", _ => fixture.Published.OfType<TrainModel>().Count(m => m.RunId == id) == 2);
        var (resumeQueued, _) = await fixture.SendJsonAsync(HttpMethod.Post, $"/runs/{id}/resume", null);
        Assert.Equal(409, resumeQueued);
    }

    [Fact]
    public async Task RunFailed_marks_the_run_failed_with_the_trainers_reason()
    {
        var id = await CreateRunAsync("failing", ValidRequest());

        await fixture.Bus.Publish(new RunFailed(id, "dataset not found", "fashion-mnist v2 has no manifest", DateTimeOffset.UtcNow));

        var run = await fixture.Tracker.PollAsync($"/runs/{id}", r => r.GetProperty("state").GetString() == "failed");
        Assert.Equal("dataset not found: fashion-mnist v2 has no manifest", run.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task ModelTrained_creates_one_version_per_run_however_often_it_arrives_and_promotion_publishes_ModelPromoted()
    {
        var first = await CreateRunAsync("registry", ValidRequest());
        var second = await CreateRunAsync("registry", ValidRequest());
        var model = $"registry-model-{Guid.NewGuid():N}"[..30];
        ModelTrained Trained(Guid run, double accuracy) => new(run, model, $"http://blobs/models/{run}.zip", "fashion-mnist", 2,
            new Dictionary<string, double> { ["test_accuracy"] = accuracy }, DateTimeOffset.UtcNow);

        await fixture.WritePackageAsync(model, first);
        await fixture.WritePackageAsync(model, second);
        await fixture.Bus.Publish(Trained(first, 0.91));
        await fixture.Tracker.PollAsync($"/models/{model}", m => m.GetProperty("versions").GetArrayLength() == 1);
        await fixture.Bus.Publish(Trained(first, 0.91));
        await fixture.Bus.Publish(Trained(second, 0.93));
        var registered = await fixture.Tracker.PollAsync($"/models/{model}", m => m.GetProperty("versions").GetArrayLength() == 2);
        await fixture.Tracker.PollAsync($"/runs/{second}", r => r.GetProperty("state").GetString() == "completed");

        var versions = registered.GetProperty("versions").EnumerateArray().ToList();
        Assert.Equal([(1, first), (2, second)], versions.Select(v => (v.GetProperty("version").GetInt32(), v.GetProperty("runId").GetGuid())));
        Assert.Equal(0.93, versions[1].GetProperty("metrics").GetProperty("test_accuracy").GetDouble());
        var completed = await fixture.GetJsonAsync($"/runs/{first}");
        Assert.Equal("completed", completed.GetProperty("state").GetString());
        Assert.Equal(0.91, completed.GetProperty("finalMetrics").GetProperty("test_accuracy").GetDouble());

        var (status, promoted) = await fixture.SendJsonAsync(HttpMethod.Put, $"/models/{model}/aliases/production", new { version = 2 });
        Assert.Equal(200, status);
        Assert.Equal(["production"], promoted.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()!));
        var announcement = await fixture.WaitForPublishedAsync<ModelPromoted>(m => m.ModelName == model);
        Assert.Equal((2, "production", second, $"http://blobs/models/{second}.zip"), (announcement.Version, announcement.Alias, announcement.RunId, announcement.PackageUri));
        var (missingStatus, missing) = await fixture.SendJsonAsync(HttpMethod.Put, $"/models/{model}/aliases/production", new { version = 7 });
        Assert.Equal(404, missingStatus);
        Assert.Contains("no version 7", missing.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Search_filters_by_metrics_params_and_state_and_sorts()
    {
        var experiment = $"search-{Guid.NewGuid():N}"[..20];
        var adamwGood = await CreateRunAsync(experiment, ValidRequest(optimizer: "adamw"));
        var adamwBetter = await CreateRunAsync(experiment, ValidRequest(optimizer: "adamw", lr: 0.01));
        var sgd = await CreateRunAsync(experiment, ValidRequest(optimizer: "sgd"));
        await PostEpochsAsync((adamwGood, 0.92), (adamwBetter, 0.95), (sgd, 0.97));

        var runs = await fixture.GetJsonAsync(
            $"/runs?experiment={experiment}&filter={Uri.EscapeDataString("metrics.val_accuracy > 0.9 and params.optimizer.kind = 'adamw' and state = 'running'")}"
            + $"&orderBy={Uri.EscapeDataString("metrics.val_accuracy desc")}");
        Assert.Equal([adamwBetter, adamwGood], runs.EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));

        var byLr = await fixture.GetJsonAsync($"/runs?experiment={experiment}&filter={Uri.EscapeDataString("params.lr >= 0.01")}");
        Assert.Equal([adamwBetter], byLr.EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));

        var (status, problem) = await fixture.SendJsonAsync(HttpMethod.Get, $"/runs?filter={Uri.EscapeDataString("accuracy >> 1")}", null);
        Assert.Equal(400, status);
        Assert.Contains("filter", problem.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    [Fact]
    public async Task Search_by_id_prefix_applies_the_prefix_before_the_limit_and_refuses_a_prefix_that_is_no_id()
    {
        var experiment = $"prefix-{Guid.NewGuid():N}"[..20];
        var older = await CreateRunAsync(experiment, ValidRequest());
        var newer = await CreateRunAsync(experiment, ValidRequest());

        // Newest first, so limit=1 alone would give the newer run: the older one is found because the prefix is applied first.
        var found = await fixture.GetJsonAsync($"/runs?idPrefix={older.ToString("D")[..9].ToUpperInvariant()}&limit=1");
        Assert.Equal([older], found.EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
        var unfiltered = await fixture.GetJsonAsync($"/runs?experiment={experiment}&idPrefix=");
        Assert.Equal([newer, older], unfiltered.EnumerateArray().Select(r => r.GetProperty("id").GetGuid()));
        var (status, problem) = await fixture.SendJsonAsync(HttpMethod.Get, "/runs?idPrefix=not-hex", null);
        Assert.Equal(400, status);
        Assert.Contains("idPrefix must be the start of a run id", problem.GetProperty("errors").GetProperty("idPrefix")[0].GetString());
    }

    [Fact]
    public async Task Comparing_more_than_ten_runs_is_refused_naming_the_limit()
    {
        var ids = string.Join(',', Enumerable.Range(0, 11).Select(_ => Guid.NewGuid()));
        var (status, problem) = await fixture.SendJsonAsync(HttpMethod.Get, $"/runs/compare?ids={ids}", null);
        Assert.Equal(400, status);
        Assert.Contains("at most 10 runs", problem.GetProperty("errors").GetProperty("ids")[0].GetString());
    }

    [Fact]
    public async Task Compare_shows_parameter_differences_and_the_curves_side_by_side()
    {
        var a = await CreateRunAsync("compare", ValidRequest(lr: 0.001));
        var b = await CreateRunAsync("compare", ValidRequest(lr: 0.01));
        await PostEpochsAsync((a, 0.8), (b, 0.9));

        var comparison = await fixture.GetJsonAsync($"/runs/compare?ids={a},{b}&metrics=val_accuracy");

        var lr = comparison.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "lr");
        Assert.True(lr.GetProperty("differs").GetBoolean());
        Assert.Equal("0.01", lr.GetProperty("values").GetProperty(b.ToString()).GetString());
        var epochs = comparison.GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "epochs");
        Assert.False(epochs.GetProperty("differs").GetBoolean());
        var curves = comparison.GetProperty("metrics")[0].GetProperty("curves");
        Assert.Equal([0.8, 0.9], new[] { a, b }.Select(id => curves.GetProperty(id.ToString()).GetProperty("values")[0].GetDouble()));
    }

    [Fact]
    public async Task A_long_curve_is_downsampled_for_display_keeping_its_ends_and_its_spike()
    {
        var runId = Guid.NewGuid();
        const int points = 20_000;
        for (var start = 0; start < points; start += 5000)
        {
            var spans = Enumerable.Range(start, 5000)
                .Select(step => OtlpRequests.Epoch(runId, step, [("loss", step == 12_345 ? 50.0 : 1.0 / (step + 1))])).ToArray();
            await PostAsync(OtlpRequests.Request(spans));
        }

        var curve = await fixture.GetJsonAsync($"/runs/{runId}/metrics/loss?maxPoints=200");

        Assert.True(curve.GetProperty("downsampled").GetBoolean());
        Assert.Equal(points, curve.GetProperty("totalPoints").GetInt64());
        var steps = curve.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()).ToList();
        Assert.Equal(200, steps.Count);
        Assert.Equal(0, steps[0]);
        Assert.Equal(points - 1, steps[^1]);
        Assert.Contains(12_345L, steps);
    }

    [Fact]
    public async Task The_runs_table_serves_one_sorted_page_with_the_chosen_columns_and_the_total()
    {
        var experiment = $"table-{Guid.NewGuid():N}"[..14];
        var rates = new[] { 0.004, 0.001, 0.005, 0.002, 0.003 };
        foreach (var lr in rates)
        {
            await UiRuns.LogAsync(fixture.Tracker, experiment, epochs: 2, lr: lr);
        }

        var page = await fixture.GetJsonAsync($"/runs/table?experiment={experiment}&orderBy=params.lr%20desc&columns=params.lr,metrics.test_accuracy&offset=1&limit=2&groupBy=experiment");

        Assert.Equal(5, page.GetProperty("total").GetInt32());
        var rows = page.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal([0.004, 0.003], rows.Select(r => r.GetProperty("values").GetProperty("params.lr").GetDouble()));
        Assert.All(rows, r => Assert.Equal(0.95, r.GetProperty("values").GetProperty("metrics.test_accuracy").GetDouble()));
        Assert.Contains("metrics.val_accuracy", page.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(5, page.GetProperty("groups").GetProperty(experiment).GetInt32());
        var summary = (await fixture.GetJsonAsync("/experiments")).EnumerateArray().Single(e => e.GetProperty("name").GetString() == experiment);
        Assert.Equal((5, 5), (summary.GetProperty("runs").GetInt32(), summary.GetProperty("runsByState").GetProperty("completed").GetInt32()));
        var defaults = await fixture.GetJsonAsync($"/runs/table?experiment={experiment}&limit=1");
        Assert.Equal(["metrics.test_accuracy", "metrics.train_loss", "metrics.val_accuracy", "metrics.val_loss"],
            defaults.GetProperty("chosen").EnumerateArray().Select(c => c.GetString()));
        var none = await fixture.GetJsonAsync($"/runs/table?experiment={experiment}&limit=1&columns=");
        Assert.Empty(none.GetProperty("rows")[0].GetProperty("values").EnumerateObject());
        var (status, problem) = await fixture.SendJsonAsync(HttpMethod.Get, "/runs/table?filter=metrics.val_accuracy%20%3E&columns=lr", null);
        Assert.Equal(400, status);
        Assert.True(problem.GetProperty("errors").TryGetProperty("filter", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("columns", out _));
    }

    [Fact]
    public async Task The_runs_table_shows_a_change_made_after_the_run_was_last_listed()
    {
        var experiment = $"table-{Guid.NewGuid():N}"[..14];
        var run = await UiRuns.LogAsync(fixture.Tracker, experiment, epochs: 1, complete: false);
        var before = await fixture.GetJsonAsync($"/runs/table?experiment={experiment}&columns=metrics.val_accuracy");
        Assert.Equal(("running", 0.5), (before.GetProperty("rows")[0].GetProperty("state").GetString(),
            before.GetProperty("rows")[0].GetProperty("values").GetProperty("metrics.val_accuracy").GetDouble()));

        await UiRuns.PostAsync(fixture.Tracker, UiRuns.Epoch(run, 1, 0.001));

        var after = await fixture.GetJsonAsync($"/runs/table?experiment={experiment}&columns=metrics.val_accuracy");
        Assert.Equal(0.54, after.GetProperty("rows")[0].GetProperty("values").GetProperty("metrics.val_accuracy").GetDouble(), 1e-12);
        Assert.Equal(1, (await fixture.GetJsonAsync($"/runs?experiment={experiment}&filter=metrics.val_accuracy%20%3E%200.53")).GetArrayLength());
    }

    [Fact]
    public async Task A_window_of_steps_is_served_in_detail_for_a_zoomed_chart()
    {
        var runId = Guid.NewGuid();
        await PostAsync(OtlpRequests.Request([.. Enumerable.Range(0, 2000).Select(step => OtlpRequests.Epoch(runId, step, [("loss", step == 1234 ? 9.0 : 1.0)]))]));

        var window = await fixture.GetJsonAsync($"/runs/{runId}/metrics/loss?maxPoints=100&fromStep=1200&toStep=1299");

        var steps = window.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()).ToList();
        Assert.Equal(100, steps.Count);
        Assert.Equal(Enumerable.Range(1200, 100).Select(s => (long)s), steps);
        Assert.Equal(2000, window.GetProperty("totalPoints").GetInt64());
        var detail = await fixture.GetJsonAsync($"/runs/{runId}/metrics/loss?maxPoints=20&fromStep=1000&toStep=1499");
        Assert.All(detail.GetProperty("steps").EnumerateArray(), s => Assert.InRange(s.GetInt64(), 1000, 1499));
        Assert.Contains(1234L, detail.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()));
        var (status, _) = await fixture.SendJsonAsync(HttpMethod.Get, $"/runs/{runId}/metrics/loss?fromStep=5&toStep=4", null);
        Assert.Equal(400, status);
    }

    [Fact]
    public async Task The_TensorBoard_export_holds_every_point_under_the_guides_tags_and_the_runs_parameters_in_an_HParams_session()
    {
        var runId = Guid.NewGuid();
        var started = new OtlpRequests.Span(Conventions.StartedSpan, OtlpRequests.TraceId(runId), OtlpRequests.SpanId(1), 1_700_000_000_000_000_000UL,
            1_700_000_000_001_000_000UL, [(Conventions.RunId, runId.ToString()), (Conventions.Experiment, "tb-export"),
                (Conventions.Param("lr"), 0.1), (Conventions.Param("architecture"), "small_cnn")]);
        await PostAsync(OtlpRequests.Request([started, .. Enumerable.Range(0, 5)
            .Select(step => OtlpRequests.Epoch(runId, step, [("train_loss", 1.0 / (step + 1)), ("lr", 0.1), ("block_grad_norm.layer1", 0.5)]))]));

        using var response = await fixture.Tracker.Client.GetAsync($"/runs/{runId}/tensorboard");
        Assert.Equal("application/x-tar", response.Content.Headers.ContentType?.MediaType);
        using var tar = new System.Formats.Tar.TarReader(await response.Content.ReadAsStreamAsync());
        var entry = await tar.GetNextEntryAsync();
        Assert.StartsWith($"{runId}/events.out.tfevents.", entry!.Name);
        using var file = new MemoryStream();
        await entry.DataStream!.CopyToAsync(file);

        var events = TensorBoardRecords.Read(file.ToArray());
        Assert.Equal("brain.Event:2", events[0].FileVersion);
        var scalars = TensorBoardRecords.Scalars(events);
        Assert.Equal(["GradientNorm/layer1", "LearningRate/epoch", "Loss/train"], scalars.Keys.Order(StringComparer.Ordinal));
        Assert.All(scalars.Values, points => Assert.Equal([0L, 1, 2, 3, 4], points.Select(p => p.Step)));
        Assert.Equal(0.25f, scalars["Loss/train"][3].Value);
        var session = Assert.Single(TensorBoardRecords.HParams(events, "_hparams_/session_start_info")).SessionStartInfo;
        Assert.Equal("tb-export", session.GroupName);
        Assert.Equal(0.1, session.Hparams["lr"].NumberValue);
        Assert.Equal("small_cnn", session.Hparams["architecture"].StringValue);
        // Still running: no session end yet, so TensorBoard does not list it as finished.
        Assert.Empty(TensorBoardRecords.HParams(events, "_hparams_/session_end_info"));
    }

    [Fact]
    public async Task A_run_whose_trainer_stored_its_own_event_files_gets_those_in_the_TensorBoard_archive()
    {
        var runId = Guid.NewGuid();
        await PostAsync(OtlpRequests.Request(OtlpRequests.Epoch(runId, 1, [("train_loss", 0.5)])));
        using (var events = new MemoryStream())
        {
            var writer = new Platform.TensorBoard.TensorBoardEventWriter(events);
            writer.WriteFileVersion(1_700_000_000);
            writer.WriteHistograms(1_700_000_001, 1, [("Weights/head", Platform.TensorBoard.TensorBoardHistogram.Of([1f, 2f, 3f])!)]);
            var container = new Azure.Storage.Blobs.BlobContainerClient(fixture.Servers.BlobConnectionString, StorageLayout.RunsContainer);
            await container.CreateIfNotExistsAsync();
            await container.GetBlobClient(StorageLayout.RunTensorBoardPrefix(runId) + "events.out.tfevents.1700000000.trainer").UploadAsync(BinaryData.FromBytes(events.ToArray()));
        }

        using var response = await fixture.Tracker.Client.GetAsync($"/runs/{runId}/tensorboard");
        using var tar = new System.Formats.Tar.TarReader(await response.Content.ReadAsStreamAsync());
        var entry = await tar.GetNextEntryAsync();
        Assert.Equal($"{runId}/events.out.tfevents.1700000000.trainer", entry!.Name);
        using var file = new MemoryStream();
        await entry.DataStream!.CopyToAsync(file);
        var histogram = Assert.Single(TensorBoardRecords.Histograms(TensorBoardRecords.Read(file.ToArray()))["Weights/head"]).Histogram;
        Assert.Equal((3.0, 6.0), (histogram.Num, histogram.Sum));
        Assert.Null(await tar.GetNextEntryAsync());
    }

    [Fact]
    public async Task A_long_curve_a_restarted_tracker_has_not_read_is_drawn_from_its_overview_then_from_memory()
    {
        var runId = Guid.NewGuid();
        const int points = 150_000;
        for (var start = 0; start < points; start += 5000)
        {
            await PostAsync(OtlpRequests.Request(Enumerable.Range(start, 5000)
                .Select(step => OtlpRequests.Epoch(runId, step, [("loss", step == 77_777 ? -5.0 : Math.Cos(step / 1000.0))])).ToArray()));
        }
        await fixture.RestartTrackerAsync();

        var overview = await fixture.GetJsonAsync($"/runs/{runId}/metrics/loss?maxPoints=500");

        Assert.Equal(points, overview.GetProperty("totalPoints").GetInt64());
        Assert.Equal(500, overview.GetProperty("steps").GetArrayLength());
        Assert.Equal(0, overview.GetProperty("wallTimes").GetArrayLength());
        var steps = overview.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()).ToList();
        Assert.Equal((0L, points - 1L), (steps[0], steps[^1]));
        Assert.Contains(77_777L, steps);
        var values = overview.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToList();
        Assert.Equal(-5.0, values[steps.IndexOf(77_777)]);

        var exact = await fixture.Tracker.PollAsync($"/runs/{runId}/metrics/loss?maxPoints=500", c => c.GetProperty("wallTimes").GetArrayLength() == 500);
        Assert.Contains(77_777L, exact.GetProperty("steps").EnumerateArray().Select(s => s.GetInt64()));
    }

    private async Task PostEpochsAsync(params (Guid Run, double Accuracy)[] runs)
    {
        await PostAsync(OtlpRequests.Request(runs.Select(r => OtlpRequests.Epoch(r.Run, 0, [("val_accuracy", r.Accuracy)])).ToArray()));
    }

    private async Task PostAsync(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var response = await fixture.Tracker.Client.PostAsync("/v1/traces", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
