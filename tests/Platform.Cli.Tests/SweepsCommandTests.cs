using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Platform.Contracts;
using Platform.Contracts.Sweeps;

namespace Platform.Cli.Tests;

public sealed class SweepsCommandTests : IDisposable
{
    private static readonly Guid SweepId = Guid.Parse("5a1c2a9e-0000-4000-8000-000000000001");
    private static readonly Guid BestRun = Guid.Parse("6b2c2a9e-0000-4000-8000-000000000002");
    private readonly string folder = Directory.CreateTempSubdirectory("sweep-cli-").FullName;

    private string SpecFile(string parameters)
    {
        var path = Path.Combine(folder, "sweep.yaml");
        File.WriteAllText(path, $"""
            experiment: cli-sweep
            dataset: fashion-mnist:1
            modelName: fashion-cnn
            config: {"{"} architecture: small_cnn, imageSize: 28, epochs: 2 {"}"}
            parameters:
            {parameters}
            method: grid
            objective: {"{"} metric: val_accuracy, goal: maximize {"}"}
            parallelism: 2
            """);
        return path;
    }

    private static SweepRecord Sweep(SweepSpec spec, string state, IReadOnlyList<SweepTrial> trials, SweepBest? best) =>
        new(SweepId, state, null, spec, 1, DateTimeOffset.UnixEpoch, null, 2, trials.Sum(t => t.EpochsTrained), trials, best);

    [Fact]
    public async Task An_invalid_spec_is_refused_here_with_every_problem_and_nothing_is_sent()
    {
        await using var tracker = await FakeService.StartAsync(_ => { });
        var path = SpecFile("""
              lr: { distribution: log_uniform, min: 0.01, max: 0.001 }
              loss.labelSmoothingg: { values: [0.1] }
            """);

        var result = await CliRun.InProcessAsync("sweeps", "create", "-c", path, "--tracker-url", tracker.Address);

        Assert.True(result.ExitCode == ExitCodes.InvalidInput, result.ToString());
        Assert.Contains("parameters.lr: The range is empty", result.Error);
        Assert.Contains("parameters.loss.labelSmoothingg: 'loss.labelSmoothingg' is not a training configuration field", result.Error);
        Assert.Equal(0, tracker.Requests);
    }

    [Fact]
    public async Task Create_with_watch_posts_the_spec_prints_each_trial_and_ends_with_the_best()
    {
        SweepSpec? posted = null;
        var polls = 0;
        JsonElement Lr(double value) => JsonSerializer.SerializeToElement(value);
        await using var tracker = await FakeService.StartAsync(routes =>
        {
            routes.MapPost("/sweeps", (SweepSpec spec) =>
            {
                posted = spec;
                return Results.Json(Sweep(spec, SweepStates.Running, [], null), ContractJson.Options, statusCode: 201);
            });
            routes.MapGet($"/sweeps/{SweepId}", () => Interlocked.Increment(ref polls) <= 1
                ? Results.Json(Sweep(posted!, SweepStates.Running, [new(0, BestRun, new Dictionary<string, JsonElement> { ["lr"] = Lr(0.01) }, "running", null, 1, null, null)], null), ContractJson.Options)
                : Results.Json(Sweep(posted!, SweepStates.Completed, [
                    new(0, BestRun, new Dictionary<string, JsonElement> { ["lr"] = Lr(0.01) }, "completed", 0.81, 2, null, null),
                    new(1, Guid.NewGuid(), new Dictionary<string, JsonElement> { ["lr"] = Lr(0.001) }, "pruned", 0.4, 1, 1, "ASHA rung at epoch 1: …")],
                    new SweepBest(0, BestRun, 0.81, 3, null)), ContractJson.Options));
        });
        var path = SpecFile("  lr: { values: [0.01, 0.001] }");

        var result = await CliRun.InProcessAsync("sweeps", "create", "-c", path, "--watch", "--tracker-url", tracker.Address);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal(2, posted!.Parameters!["lr"].Values!.Count);
        Assert.Contains("trial 0 running (lr=0.01)", result.Output);
        Assert.Contains("trial 1 pruned (lr=0.001) val_accuracy 0.4 at epoch 1", result.Output);
        Assert.Contains("sweep completed: best trial 0 (run 6b2c2a9e) val_accuracy 0.81, model version 3", result.Output);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}
