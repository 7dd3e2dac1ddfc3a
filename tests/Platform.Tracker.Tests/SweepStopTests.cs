using System.Text.Json;
using Azure.Storage.Blobs;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Contracts.Runs;
using Platform.Contracts.Sweeps;
using Platform.Sweeps;
using Platform.Testing;
using Platform.Tracker.Runs;
using Platform.Tracker.Sweeps;

namespace Platform.Tracker.Tests;

/// <summary>
/// A stop is final, whatever the controller was doing when it came: the tracker's own store, driver and launcher against real Redis and
/// RabbitMQ, each test driving its sweep itself (it holds the sweep's lease from before the sweep exists, so the tracker's controller
/// never takes it) and stopping it through the API at the moment the race needs.
/// </summary>
[Collection(TrackerCollection.Name)]
public sealed class SweepStopTests(TrackerFixture fixture)
{
    private const string Dataset = "fashion-sweep-stop";
    private static readonly SemaphoreSlim Seeded = new(1, 1);
    private static bool seeded;

    private IServiceProvider Services => ((InProcessService<Program>)fixture.Tracker).Services;
    private SweepStore Store => Services.GetRequiredService<SweepStore>();
    private SweepDriver Driver => Services.GetRequiredService<SweepDriver>();
    private RunStore Runs => Services.GetRequiredService<RunStore>();

    /// <summary>A running 4-trial grid (parallelism 2) that only this test drives.</summary>
    private async Task<(Guid Id, SweepDefinition Definition)> HeldSweepAsync(string experiment)
    {
        await Seeded.WaitAsync();
        try
        {
            if (!seeded)
            {
                await DatasetSeeder.PublishFashionMnistAsync(new BlobServiceClient(fixture.Servers.BlobConnectionString), Dataset, 1, train: 20, validation: 10);
                seeded = true;
            }
        }
        finally
        {
            Seeded.Release();
        }
        var spec = JsonSerializer.Deserialize<SweepSpec>(JsonSerializer.Serialize(new
        {
            experiment,
            dataset = $"{Dataset}:1",
            modelName = experiment,
            config = new { architecture = "small_cnn", imageSize = 28, inputChannels = 1, epochs = 2 },
            parameters = new { lr = new { values = new[] { 0.01, 0.003, 0.001, 0.0003 } } },
            method = "grid",
            objective = new { metric = "val_accuracy", goal = "maximize" },
            parallelism = 2,
        }), ContractJson.Options)!;
        Assert.Empty(SweepSpecValidator.Validate(spec, out var definition));
        var id = Guid.NewGuid();
        Assert.True(await Store.TryHoldLeaseAsync(id, "sweep-stop-tests", TimeSpan.FromMinutes(5)));
        await Store.CreateAsync(id, spec, 1, definition!.TrialsPlanned);
        return (id, definition);
    }

    private async Task<JsonElement> StopAsync(Guid id)
    {
        var (status, body) = await fixture.SendJsonAsync(HttpMethod.Post, $"/sweeps/{id}/stop", null);
        Assert.True(status == 202, $"{status} {body}");
        return body;
    }

    private Task WaitForCancelAsync(Guid runId) =>
        fixture.WaitForPublishedAsync<CancelTraining>(c => c.RunId == runId && c.Reason.Contains("was stopped", StringComparison.Ordinal));

    [Fact]
    public async Task A_pass_that_read_the_sweep_before_its_stop_starts_no_trial_after_it_and_every_trial_it_started_is_cancelled()
    {
        var (id, definition) = await HeldSweepAsync("sweep-stop-pass");
        await Driver.StepAsync(id, CancellationToken.None);
        var started = await Store.TrialsAsync(id);
        Assert.Equal([0, 1], started.Select(t => t.Number));
        Assert.All(started, t => Assert.True(t.Published));

        // A pass reads the sweep while it runs and reserves the next trial (a slot is about to free)...
        var stale = (await Store.GetAsync(id))!;
        var reserved = await Store.ReserveTrialAsync(id,
            new StoredTrial(2, Guid.NewGuid(), definition.CreateSearch().Suggest(2, [])!, DateTimeOffset.UtcNow, Published: false));
        Assert.NotNull(reserved);
        // ...then the stop is accepted, and the pass goes on with what it read.
        var answer = await StopAsync(id);
        await Driver.PassAsync(stale, CancellationToken.None);

        // Nothing was reserved or launched after the stop: trial 2 has no run, there is no trial 3, and no launch can open now.
        var trials = await Store.TrialsAsync(id);
        Assert.Equal([0, 1, 2], trials.Select(t => t.Number));
        Assert.Null(await Runs.GetAsync(reserved!.RunId, details: false));
        Assert.False(await Store.TryBeginLaunchAsync(id, 2));
        Assert.DoesNotContain(id, await Store.ActiveAsync());
        // Every trial that had started is cancelled, in the tracker and towards the trainers.
        foreach (var trial in started)
        {
            Assert.Equal(RunStates.Cancelled, (await Runs.GetAsync(trial.RunId, details: false))!.State);
            await WaitForCancelAsync(trial.RunId);
        }
        Assert.Equal(SweepStates.Stopped, answer.GetProperty("state").GetString());
        var shown = (await fixture.GetJsonAsync($"/sweeps/{id}")).GetProperty("trials").EnumerateArray().ToList();
        Assert.All(shown, t => Assert.Equal("cancelled", t.GetProperty("state").GetString()));
        Assert.StartsWith("Never started: the sweep was stopped", shown[2].GetProperty("reason").GetString());
        Assert.DoesNotContain(fixture.Published.OfType<TrainModel>(), m => m.RunId == reserved.RunId);
    }

    [Fact]
    public async Task A_stop_waits_for_a_launch_under_way_and_cancels_the_trial_it_launched()
    {
        var (id, definition) = await HeldSweepAsync("sweep-stop-launch");
        var trial = (await Store.ReserveTrialAsync(id,
            new StoredTrial(0, Guid.NewGuid(), definition.CreateSearch().Suggest(0, [])!, DateTimeOffset.UtcNow, Published: false)))!;
        // The controller opened the trial's launch window (its check that the sweep runs passed), and the stop arrives now.
        Assert.True(await Store.TryBeginLaunchAsync(id, trial.Number));
        var stop = StopAsync(id);
        await Eventually.UntilAsync(async () => (await Store.GetAsync(id))!.State == SweepStates.Stopped, TimeSpan.FromSeconds(10), () => "not stopped");

        // The stop does not read the trials while a launch is under way: it would miss a run recorded a moment later.
        Assert.NotSame(stop, await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(1))));
        var launch = await Services.GetRequiredService<RunLauncher>().StartAsync(definition.Experiment,
            new CreateRunRequest(new RunDataset(definition.DatasetName, 1), definition.ModelName, definition.TrialConfig(trial.Parameters)),
            new RunLineage(SweepId: id, SweepTrial: trial.Number, SweepParameters: trial.Parameters), CancellationToken.None,
            id: trial.RunId, requestedAt: trial.RequestedAt);
        Assert.NotNull(launch.Run);
        await Store.EndLaunchAsync(id, trial.Number);
        await stop;

        Assert.Equal(RunStates.Cancelled, (await Runs.GetAsync(trial.RunId, details: false))!.State);
        await WaitForCancelAsync(trial.RunId);
    }

    [Fact]
    public async Task A_stop_stored_by_a_tracker_that_died_before_cancelling_the_trials_is_finished_by_the_controller()
    {
        var (id, _) = await HeldSweepAsync("sweep-stop-crash");
        await Driver.StepAsync(id, CancellationToken.None);
        var started = await Store.TrialsAsync(id);
        Assert.Equal(2, started.Count);

        // What the stop stores first; the tracker dies before its cancellations. The controller's next pass makes them.
        Assert.True(await Store.EndAsync(id, SweepStates.Stopped, "Stopped through the tracker API", null, keepActive: true));
        Assert.Contains(id, await Store.ActiveAsync());
        await Driver.StepAsync(id, CancellationToken.None);

        foreach (var trial in started)
        {
            Assert.Equal(RunStates.Cancelled, (await Runs.GetAsync(trial.RunId, details: false))!.State);
            await WaitForCancelAsync(trial.RunId);
        }
        Assert.DoesNotContain(id, await Store.ActiveAsync());
        Assert.Equal(2, (await Store.TrialsAsync(id)).Count);
    }
}
