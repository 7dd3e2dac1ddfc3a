using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Platform.Contracts.Datasets;
using Platform.Contracts.Models;
using Platform.Contracts.Predictions;
using Platform.Contracts.Runs;
using Platform.Testing;

namespace Platform.Cli.Tests;

public sealed class CommandLineTests
{
    private static readonly string RunId = "6f1c2a9e-0b7d-4c55-9e1a-2d3f4b5c6d7e";

    [Fact]
    public async Task Usage_errors_exit_2_and_say_where_to_find_help()
    {
        var unknown = await CliRun.InProcessAsync("runs", "frobnicate");
        var missing = await CliRun.InProcessAsync("runs", "create", "--dataset", "fashion");

        Assert.Equal(ExitCodes.InvalidInput, unknown.ExitCode);
        Assert.Contains("frobnicate", unknown.Error);
        Assert.Contains("platform runs --help", unknown.Error);
        Assert.Equal(ExitCodes.InvalidInput, missing.ExitCode);
        Assert.Contains("--experiment", missing.Error);
    }

    [Fact]
    public async Task A_service_that_is_not_running_exits_3_naming_it_and_how_to_point_elsewhere()
    {
        var address = $"http://127.0.0.1:{FreePort.Next()}";

        var result = await CliRun.InProcessAsync("runs", "list", "--tracker-url", address);

        Assert.Equal(ExitCodes.Unavailable, result.ExitCode);
        Assert.Contains($"tracker service at {address}/ is not reachable", result.Error);
        Assert.Contains("PLATFORM_TRACKER_URL", result.Error);
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task An_invalid_configuration_is_refused_with_every_problem_before_any_service_is_asked()
    {
        await using var tracker = await FakeService.StartAsync(_ => { });

        var result = await CliRun.InProcessAsync("runs", "create", "--experiment", "e", "--dataset", "d:1", "--tracker-url", tracker.Address,
            "--ingest-url", tracker.Address, "--set", "lr=-1", "--set", "epochs=0", "--set", "loss.labelSmoothing=1.5");

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("lr: must be", result.Error);
        Assert.Contains("epochs: must be", result.Error);
        Assert.Contains("loss.labelSmoothing", result.Error);
        Assert.Equal(0, tracker.Requests);
    }

    [Theory]
    [InlineData("runs", "create", "--experiment", "e", "--dataset", "Fashion_MNIST:1")]
    [InlineData("runs", "create", "--experiment", "bad/name", "--dataset", "pets:1")]
    [InlineData("datasets", "upload", ".", "--name", "Pets")]
    [InlineData("models", "promote", "pets", "1", "--alias", "prod/uction")]
    public async Task A_name_the_services_would_refuse_is_refused_before_any_service_is_asked(params string[] arguments)
    {
        await using var service = await FakeService.StartAsync(_ => { });

        var result = await CliRun.InProcessAsync([.. arguments, "--tracker-url", service.Address, "--ingest-url", service.Address,
            "--inference-url", service.Address]);

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("is not a valid", result.Error);
        Assert.Equal(0, service.Requests);
    }

    [Fact]
    public async Task Only_commands_that_talk_to_a_service_need_its_address()
    {
        var offline = await CliRun.InProcessAsync("config", "validate", "--set", "epochs=3", "--tracker-url", "not-an-address");
        var online = await CliRun.InProcessAsync("runs", "list", "--tracker-url", "not-an-address");

        Assert.Equal(ExitCodes.Success, offline.ExitCode);
        Assert.Equal(ExitCodes.InvalidInput, online.ExitCode);
        Assert.Contains("'not-an-address' is not an http(s) address (from the command line)", online.Error);
    }

    [Fact]
    public async Task A_usage_error_with_json_is_also_a_json_error()
    {
        var result = await CliRun.InProcessAsync("runs", "list", "--no-such-option", "--json");

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        var error = result.Json.GetProperty("error");
        Assert.Equal(ExitCodes.InvalidInput, error.GetProperty("exitCode").GetInt32());
        Assert.Contains("--no-such-option", error.GetProperty("message").GetString());
        Assert.Contains("platform runs list --help", result.Error);
    }

    [Fact]
    public async Task Config_architectures_lists_parameters_and_flops_of_every_architecture()
    {
        var result = await CliRun.InProcessAsync("config", "architectures", "--json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var listed = result.Json.EnumerateArray().ToDictionary(a => a.GetProperty("name").GetString()!, a => (Parameters: a.GetProperty("parameters").GetInt64(), MultiplyAdds: a.GetProperty("multiplyAdds").GetInt64()));
        Assert.All(listed.Values, figures => Assert.True(figures.Parameters > 0 && figures.MultiplyAdds > 0));
        Assert.Equal(28_288_354, listed["swin_tiny"].Parameters);
        Assert.Equal(28_589_128, listed["convnext_tiny"].Parameters);
    }

    [Fact]
    public async Task An_unknown_option_name_lists_the_allowed_ones()
    {
        var result = await CliRun.InProcessAsync("config", "validate", "--set", "optimizer.kind=adam");

        Assert.Equal(ExitCodes.InvalidInput, result.ExitCode);
        Assert.Contains("optimizer.kind: 'adam' is not allowed; use one of: adamw, sgd", result.Error);
    }

    [Fact]
    public async Task Problem_details_from_a_service_become_a_readable_message_and_the_matching_exit_code()
    {
        await using var tracker = await FakeService.StartAsync(routes =>
        {
            routes.MapGet($"/runs/{RunId}", () => Results.Problem(statusCode: 404, title: "Run not found", detail: $"There is no run {RunId}."));
            routes.MapPost($"/runs/{RunId}/cancel", () => Results.Problem(statusCode: 409, title: "Run already finished", detail: "Run is completed."));
            routes.MapGet("/models", (HttpContext context) =>
            {
                context.Response.Headers.RetryAfter = "7";
                return Results.Problem(statusCode: 503, title: "Redis unavailable");
            });
            routes.MapPost("/experiments/e/runs", () => Results.ValidationProblem(new Dictionary<string, string[]>
            {
                ["dataset.version"] = ["dataset.version is required."],
                ["modelName"] = ["modelName must be 1-100 characters."],
            }, title: "The run request is invalid."));
        });
        string[] At(params string[] args) => [.. args, "--tracker-url", tracker.Address];

        var missing = await CliRun.InProcessAsync(At("runs", "show", RunId));
        var finished = await CliRun.InProcessAsync(At("runs", "cancel", RunId));
        var down = await CliRun.InProcessAsync(At("models", "list"));
        var invalid = await CliRun.InProcessAsync(At("runs", "create", "--experiment", "e", "--dataset", "d:1", "--model", "m"));

        Assert.Equal(ExitCodes.NotFound, missing.ExitCode);
        Assert.Contains($"404 Run not found — There is no run {RunId}.", missing.Error);
        Assert.Equal(ExitCodes.Conflict, finished.ExitCode);
        Assert.Contains("Run already finished", finished.Error);
        Assert.Equal(ExitCodes.Unavailable, down.ExitCode);
        Assert.Contains("retry after 7 s", down.Error);
        Assert.Equal(ExitCodes.InvalidInput, invalid.ExitCode);
        Assert.Contains("dataset.version: dataset.version is required.", invalid.Error);
        Assert.Contains("modelName: modelName must be", invalid.Error);
    }

    [Fact]
    public async Task Something_other_than_the_service_at_its_address_is_reported_as_unavailable_with_the_address_to_fix()
    {
        await using var webPage = await FakeService.StartAsync(routes =>
            routes.MapGet("/models", () => Results.Content("<!DOCTYPE html>\n<html>a web page</html>", "text/html")));

        var result = await CliRun.InProcessAsync("models", "list", "--tracker-url", webPage.Address);

        Assert.Equal(ExitCodes.Unavailable, result.ExitCode);
        Assert.Contains($"What answers at {webPage.Address}/ is not the tracker service: GET /models got 200 with a body that is not JSON (text/html: \"<!DOCTYPE html>\")", result.Error);
        Assert.Contains("PLATFORM_TRACKER_URL", result.Error);
    }

    [Fact]
    public async Task With_json_a_failure_is_also_a_json_object_on_standard_output()
    {
        var result = await CliRun.InProcessAsync("runs", "list", "--json", "--tracker-url", $"http://127.0.0.1:{FreePort.Next()}");

        Assert.Equal(ExitCodes.Unavailable, result.ExitCode);
        var error = result.Json.GetProperty("error");
        Assert.Equal(ExitCodes.Unavailable, error.GetProperty("exitCode").GetInt32());
        Assert.Contains("not reachable", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Promote_latest_points_the_alias_at_the_newest_version_and_waits_until_inference_serves_it()
    {
        var trained = DateTimeOffset.UnixEpoch;
        ModelVersion Version(int number) => new("pets", number, Guid.Parse(RunId), $"models/pets/{number}", "pets", 1,
            new Dictionary<string, double> { ["accuracy"] = 0.9 }, trained, []);
        SetAliasRequest? promotion = null;
        var statusPolls = 0;
        await using var tracker = await FakeService.StartAsync(routes =>
        {
            routes.MapGet("/models/pets", () => Results.Json(new RegisteredModel("pets", [Version(1), Version(2)], new Dictionary<string, int> { ["production"] = 1 })));
            routes.MapPut("/models/pets/aliases/production", (SetAliasRequest request) =>
            {
                promotion = request;
                return Results.Json(Version(2) with { Aliases = ["production"] });
            });
        });
        await using var inference = await FakeService.StartAsync(routes => routes.MapGet("/status", () =>
        {
            // The old version until the second poll: the command must wait for the swap, not return on the first answer.
            var served = Interlocked.Increment(ref statusPolls) < 2 ? 1 : 2;
            return Results.Json(new InferenceStatus("cpu", null, "1.0", 1, true, [], 0,
                [new ServedModelStatus("pets", new Dictionary<string, int> { ["production"] = served }, new Dictionary<string, int>(), [])]));
        }));

        var result = await CliRun.InProcessAsync("models", "promote", "pets", "latest", "--tracker-url", tracker.Address, "--inference-url", inference.Address);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal(2, promotion?.Version);
        Assert.Equal(2, statusPolls);
        Assert.Contains("pets v2 is now 'production' and served by the inference service.", result.Output);
    }

    [Fact]
    public async Task Promote_with_split_keeps_the_current_version_on_the_stable_share_and_waits_for_the_split_to_be_served()
    {
        ModelVersion Version(int number) => new("pets", number, Guid.Parse(RunId), $"models/pets/{number}", "pets", 1,
            new Dictionary<string, double>(), DateTimeOffset.UnixEpoch, []);
        SetAliasRequest? promotion = null;
        await using var tracker = await FakeService.StartAsync(routes =>
        {
            routes.MapGet("/models/pets", () => Results.Json(new RegisteredModel("pets", [Version(3), Version(4)], new Dictionary<string, int> { ["production"] = 3 })));
            routes.MapPut("/models/pets/aliases/production", (SetAliasRequest request) =>
            {
                promotion = request;
                return Results.Json(Version(3) with { Aliases = ["production"] });
            });
        });
        await using var inference = await FakeService.StartAsync(routes => routes.MapGet("/status", () => Results.Json(new InferenceStatus("cpu", null, "1.0", 1, true, [], 0,
            [new ServedModelStatus("pets", new Dictionary<string, int> { ["production"] = 3 }, new Dictionary<string, int>(), [],
                new Dictionary<string, AliasRoute> { ["production"] = new([new VersionWeight(3, 90), new VersionWeight(4, 10)], null) })]))));

        var result = await CliRun.InProcessAsync("models", "promote", "pets", "4", "--split", "90:10", "--tracker-url", tracker.Address, "--inference-url", inference.Address);
        var invalid = await CliRun.InProcessAsync("models", "promote", "pets", "4", "--split", "90:20", "--tracker-url", tracker.Address, "--inference-url", inference.Address);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Null(promotion?.Version);
        Assert.Equal([new VersionWeight(3, 90), new VersionWeight(4, 10)], promotion?.Versions ?? []);
        Assert.Contains("pets v3 90% / v4 10% is now 'production' and served by the inference service.", result.Output);
        Assert.Equal(ExitCodes.InvalidInput, invalid.ExitCode);
        Assert.Contains("sum to 100", invalid.Error);
    }

    [Fact]
    public async Task Runs_show_renders_the_shared_record_and_with_json_prints_the_trackers_answer_as_it_came()
    {
        var run = Run(RunId, RunStates.Completed) with
        {
            FinalMetrics = new Dictionary<string, double> { ["val_accuracy"] = 0.875 },
            Curves = [new MetricSummary("val_accuracy", 2, 2, 0.875)],
        };
        // A field this CLI has no property for: --json must still print it, since it prints the answer, not the record.
        var answer = JsonSerializer.SerializeToNode(run, Platform.Contracts.ContractJson.Options)!.AsObject();
        answer["addedLater"] = "kept";
        await using var tracker = await FakeService.StartAsync(routes =>
        {
            routes.MapGet($"/runs/{RunId}", () => Results.Content(answer.ToJsonString(), "application/json"));
            routes.MapGet($"/runs/{RunId}/metrics/val_accuracy", () => Results.Json(new Curve("val_accuracy", 2, false, [1, 2], [0.75, 0.875], [])));
        });

        var shown = await CliRun.InProcessAsync("runs", "show", RunId, "--tracker-url", tracker.Address);
        var json = await CliRun.InProcessAsync("runs", "show", RunId, "--json", "--tracker-url", tracker.Address);

        Assert.True(shown.ExitCode == ExitCodes.Success, shown.ToString());
        Assert.Contains($"run {RunId} completed", shown.Output);
        Assert.Contains("final: val_accuracy 0.875", shown.Output);
        Assert.Equal("kept", json.Json.GetProperty("addedLater").GetString());
        Assert.Equal("completed", json.Json.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_run_is_found_by_a_unique_prefix_and_an_ambiguous_one_is_refused()
    {
        var other = "6f1c2a9e-ffff-4c55-9e1a-2d3f4b5c6d7e";
        await using var tracker = await FakeService.StartAsync(routes =>
        {
            // As the tracker does: the prefix filters every run (this fake holds two), and nothing answers a request without one.
            routes.MapGet("/runs", (string idPrefix) => Results.Json(new[] { RunId, other }.Where(id => id.StartsWith(idPrefix, StringComparison.Ordinal)).Select(id => Run(id, RunStates.Failed))));
            routes.MapPost($"/runs/{RunId}/resume", () => Results.Json(Run(RunId, RunStates.Queued), statusCode: 202));
        });

        var resumed = await CliRun.InProcessAsync("runs", "resume", "6f1c2a9e-0b", "--tracker-url", tracker.Address);
        var ambiguous = await CliRun.InProcessAsync("runs", "resume", "6f1c2a9e", "--tracker-url", tracker.Address);

        Assert.Equal(ExitCodes.Success, resumed.ExitCode);
        Assert.Contains($"run {RunId} queued again", resumed.Output);
        Assert.Equal(ExitCodes.InvalidInput, ambiguous.ExitCode);
        Assert.Contains("matches 2 runs", ambiguous.Error);
    }

    [Fact]
    public async Task Predict_sends_a_folder_in_batches_of_32_and_keeps_each_answer_with_its_image()
    {
        var folder = Directory.CreateTempSubdirectory("platform-predict-");
        try
        {
            // 70 files whose bytes name them: the fake classifies each image as its own content, so a mixed-up answer shows.
            for (var i = 0; i < 70; i++)
            {
                await File.WriteAllTextAsync(Path.Combine(folder.FullName, $"{i:D3}.png"), $"image-{i:D3}");
            }
            var batches = new List<int>();
            await using var inference = await FakeService.StartAsync(routes => routes.MapPost("/models/pets/predict", async (HttpRequest request) =>
            {
                var form = await request.ReadFormAsync();
                lock (batches)
                {
                    batches.Add(form.Files.Count);
                }
                var results = new List<ImagePrediction>();
                foreach (var file in form.Files)
                {
                    using var reader = new StreamReader(file.OpenReadStream());
                    var label = await reader.ReadToEndAsync();
                    results.Add(new ImagePrediction(file.FileName, [new LabelProbability(label, 0, 0.9)], null, form.Files.Count, 0, 1));
                }
                return Results.Json(new PredictionResponse("pets", 1, "production", Guid.Parse(RunId), results, 1));
            }));

            var result = await CliRun.InProcessAsync("predict", "pets", folder.FullName, "--json", "--inference-url", inference.Address);

            Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
            Assert.Equal([32, 32, 6], batches);
            var answers = result.Json.GetProperty("results").EnumerateArray().ToList();
            Assert.Equal(70, answers.Count);
            Assert.All(answers, answer => Assert.Equal("image-" + Path.GetFileNameWithoutExtension(answer.GetProperty("name").GetString()),
                answer.GetProperty("predictions")[0].GetProperty("label").GetString()));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Upload_follows_the_version_until_it_is_published_in_a_pipe_and_on_a_terminal(bool terminal)
    {
        var folder = Directory.CreateTempSubdirectory("platform-follow-");
        try
        {
            Directory.CreateDirectory(Path.Combine(folder.FullName, "cats"));
            await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "cats", "a.png"), [1, 2, 3]);
            var polls = 0;
            await using var ingest = await FakeService.StartAsync(routes =>
            {
                var queued = new DatasetVersionRecord("pets", 3, DatasetVersionState.Queued, IngestSettings.Default, "upload",
                    IngestProgress.None with { Stage = "queued" }, null, null, null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null);
                routes.MapPost("/datasets", () => Results.Json(queued, statusCode: 202));
                routes.MapGet("/datasets/pets/versions/3", () =>
                {
                    // Reading, then writing 1 of 2, then published: the command must keep polling through the unfinished states.
                    var poll = Interlocked.Increment(ref polls);
                    var progress = poll switch
                    {
                        1 => new IngestProgress("reading", 1, 1, 0),
                        2 => new IngestProgress("writing", 1, 1, 0, Written: 1, ToWrite: 2),
                        _ => new IngestProgress("done", 1, 1, 0, Written: 2, ToWrite: 2),
                    };
                    return Results.Json(queued with { State = poll < 3 ? DatasetVersionState.Processing : DatasetVersionState.Published, Progress = progress });
                });
            });
            string[] args = ["datasets", "upload", folder.FullName, "--name", "pets", "--ingest-url", ingest.Address];

            var result = terminal ? await CliRun.InTerminalAsync(args) : await CliRun.InProcessAsync(args);

            Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
            Assert.Equal(3, polls);
            Assert.Contains("pets:3 published", result.Output);
            if (!terminal)
            {
                Assert.Contains("pets:3 processing: writing — 1 read, 1 accepted, 0 rejected, 1/2 written", result.Error);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Predict_needs_images_and_not_both_an_alias_and_a_version()
    {
        var nothing = await CliRun.InProcessAsync("predict", "fashion");
        var both = await CliRun.InProcessAsync("predict", "fashion", "a.png", "--alias", "staging", "--version", "2");

        Assert.Equal(ExitCodes.InvalidInput, nothing.ExitCode);
        Assert.Contains("--idx", nothing.Error);
        Assert.Equal(ExitCodes.InvalidInput, both.ExitCode);
        Assert.Contains("not both", both.Error);
    }

    [Fact]
    public async Task Watching_a_run_reads_curves_only_when_more_than_one_epoch_ended_between_polls()
    {
        // Running with no epoch, epoch 1, epoch 3 (two ended between polls), completed.
        await using var tracker = await WatchedRunAsync(("running", 0, 0), ("running", 1, 1), ("running", 3, 3), ("completed", 3, 3));

        var result = await CliRun.InProcessAsync("runs", "watch", RunId, "--tracker-url", tracker.Service.Address);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("epoch 1/3  train_loss 1.0000  val_accuracy 0.1000", result.Error);
        Assert.Contains("epoch 2/3  train_loss 0.5000  val_accuracy 0.2000", result.Error);
        Assert.Contains("epoch 3/3  train_loss 0.3333  val_accuracy 0.3000", result.Error);
        Assert.Equal(2, tracker.CurveReads);
        Assert.Matches(@"train_loss\s*│\s*1\.0000\s*│\s*0\.3333", result.Output);
    }

    [Fact]
    public async Task Watching_a_run_whose_validation_curve_lagged_an_epoch_still_keeps_its_whole_history()
    {
        // At the second poll epoch 1's validation point has not arrived yet; at the third it has, with epoch 2's.
        await using var tracker = await WatchedRunAsync(("running", 0, 0), ("running", 1, 0), ("running", 2, 2), ("completed", 3, 3));

        var result = await CliRun.InProcessAsync("runs", "watch", RunId, "--tracker-url", tracker.Service.Address);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("epoch 1/3  train_loss 1.0000", result.Error);
        Assert.Contains("epoch 3/3  train_loss 0.3333  val_accuracy 0.3000", result.Error);
        Assert.Matches(@"val_accuracy\s*│\s*0\.1000\s*│\s*0\.3000", result.Output);
    }

    /// <summary>A run record as the tracker answers it, with no model (so a completed run's watch does not wait for a registration).</summary>
    private static RunRecord Run(string id, string state) => new(Guid.Parse(id), "e", state, null, null, "pets", 1, null, DateTimeOffset.UnixEpoch,
        null, null, 1, false, new Dictionary<string, JsonElement>(), new Dictionary<string, double>(), new Dictionary<string, double>(), [], null, null, null);

    private sealed record FakeTracker(FakeService Service, Func<int> CurveReadCount) : IAsyncDisposable
    {
        public int CurveReads => CurveReadCount();

        public ValueTask DisposeAsync() => Service.DisposeAsync();
    }

    /// <summary>
    /// A tracker with one run of 3 epochs whose successive GETs show the given state and each curve's number of epochs
    /// (train_loss is 1/epoch, val_accuracy epoch/10); a curve read answers the points of the latest GET.
    /// </summary>
    private static async Task<FakeTracker> WatchedRunAsync(params (string State, long TrainLoss, long ValAccuracy)[] polls)
    {
        static double Value(string metric, long epoch) => metric == "train_loss" ? 1.0 / epoch : epoch / 10.0;
        var seen = 0;
        var curveReads = 0;
        (string State, long TrainLoss, long ValAccuracy) Latest() => polls[Math.Clamp(Volatile.Read(ref seen) - 1, 0, polls.Length - 1)];
        long Epochs(string metric) => metric == "train_loss" ? Latest().TrainLoss : Latest().ValAccuracy;
        var service = await FakeService.StartAsync(routes =>
        {
            routes.MapGet($"/runs/{RunId}", () =>
            {
                Interlocked.Increment(ref seen);
                var curves = new[] { "train_loss", "val_accuracy" }.Where(name => Epochs(name) > 0)
                    .Select(name => new MetricSummary(name, Epochs(name), Epochs(name), Value(name, Epochs(name)))).ToList();
                return Results.Json(Run(RunId, Latest().State) with { Curves = curves, Config = JsonSerializer.SerializeToElement(new { epochs = 3 }) });
            });
            routes.MapGet($"/runs/{RunId}/metrics/{{metric}}", (string metric) =>
            {
                Interlocked.Increment(ref curveReads);
                var steps = Enumerable.Range(1, (int)Epochs(metric)).Select(step => (long)step).ToArray();
                return Results.Json(new Curve(metric, steps.Length, false, steps, [.. steps.Select(step => Value(metric, step))], []));
            });
        });
        return new FakeTracker(service, () => Volatile.Read(ref curveReads));
    }
}
