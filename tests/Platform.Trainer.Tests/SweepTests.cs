using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Platform.Trainer.Tests;

/// <summary>Sweeps end to end: the tracker's controller, two trainer replicas, real servers and a tiny Fashion-MNIST subset.</summary>
[Collection(SweepCollection.Name)]
public sealed class SweepTests(SweepFixture fixture)
{
    private static object Spec(string experiment, object? earlyStopping, int epochs = 4, string? promoteBest = null) => new
    {
        experiment,
        dataset = SweepFixture.Dataset,
        modelName = experiment,
        config = new
        {
            architecture = "small_cnn", imageSize = 28, inputChannels = 1, epochs, batchSize = 16, optimizer = new { kind = "adamw" },
            augmentation = new { preset = "none" }, threads = 1, loaderWorkers = 1, seed = 7,
        },
        // Two learning rates that learn and two that cannot in a few steps: the rung's cutoff separates them.
        parameters = new { lr = new { values = new[] { 0.003, 1e-7, 0.002, 2e-7 } } },
        method = "grid",
        objective = new { metric = "val_accuracy", goal = "maximize" },
        parallelism = 2,
        earlyStopping,
        promoteBest,
    };

    private async Task<JsonElement> CreateAsync(object spec)
    {
        using var response = await fixture.Tracker.Client.PostAsJsonAsync("/sweeps", spec);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private Task<JsonElement> WaitForEndAsync(string id) =>
        fixture.Tracker.PollAsync($"/sweeps/{id}", s => s.GetProperty("state").GetString() != "running", TimeSpan.FromMinutes(4));

    [Fact]
    public async Task Asha_over_a_four_trial_grid_prunes_at_a_rung_trains_fewer_epochs_and_survives_a_tracker_kill_without_losing_or_repeating_a_trial()
    {
        var created = await CreateAsync(Spec("sweep-asha", new { kind = "asha", gracePeriod = 1, reductionFactor = 2, maxEpochs = 4 }));
        var id = created.GetProperty("id").GetString()!;
        await fixture.Tracker.PollAsync($"/sweeps/{id}", s => s.GetProperty("trials").GetArrayLength() >= 2);

        // Killed mid-sweep: a new tracker takes the sweep's lease once it expires and goes on from Redis.
        await fixture.KillAndRestartTrackerAsync();
        var sweep = await WaitForEndAsync(id);

        Assert.True(sweep.GetProperty("state").GetString() == "completed", sweep.ToString() + fixture.Output[^Math.Min(fixture.Output.Length, 4000)..]);
        var trials = sweep.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(4, trials.Count);
        Assert.Equal(4, trials.Select(t => t.GetProperty("runId").GetString()).Distinct().Count());
        Assert.Equal([0, 1, 2, 3], trials.Select(t => t.GetProperty("number").GetInt32()));
        var pruned = trials.Where(t => t.GetProperty("state").GetString() == "pruned").ToList();
        Assert.NotEmpty(pruned);
        Assert.All(pruned, t => Assert.Contains(t.GetProperty("prunedAtEpoch").GetInt32(), new[] { 1, 2 }));
        Assert.All(trials, t => Assert.Contains(t.GetProperty("state").GetString(), new[] { "completed", "pruned" }));
        Assert.True(sweep.GetProperty("epochsTrained").GetInt32() < 16, sweep.ToString());

        // The best is the completed trial with the highest recorded val_accuracy, and only completed trials have model versions.
        var completed = trials.Where(t => t.GetProperty("state").GetString() == "completed").ToList();
        var best = completed.MaxBy(t => t.GetProperty("objective").GetDouble())!;
        Assert.Equal(best.GetProperty("runId").GetString(), sweep.GetProperty("best").GetProperty("runId").GetString());
        Assert.True(sweep.GetProperty("best").GetProperty("modelVersion").GetInt32() >= 1);
        var model = JsonDocument.Parse(await fixture.Tracker.Client.GetStringAsync("/models/sweep-asha")).RootElement;
        Assert.Equal(completed.Count, model.GetProperty("versions").GetArrayLength());
        var run = JsonDocument.Parse(await fixture.Tracker.Client.GetStringAsync($"/runs/{pruned[0].GetProperty("runId").GetString()}")).RootElement;
        Assert.Equal(id, run.GetProperty("sweepId").GetString());
        Assert.Contains("ASHA rung", run.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_four_trial_grid_with_parallelism_two_completes_every_trial_once_across_a_Redis_restart_and_names_and_promotes_the_best()
    {
        var created = await CreateAsync(Spec("sweep-grid", earlyStopping: null, epochs: 1, promoteBest: "best"));
        var id = created.GetProperty("id").GetString()!;
        await fixture.Tracker.PollAsync($"/sweeps/{id}", s => s.GetProperty("trials").GetArrayLength() >= 2);

        // Redis stopped and started again mid-sweep (#23): the controller's passes fail meanwhile and the next ones go on.
        await using (await fixture.Servers.StopRedisAsync())
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        var sweep = await WaitForEndAsync(id);

        Assert.True(sweep.GetProperty("state").GetString() == "completed", sweep.ToString());
        var trials = sweep.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(4, trials.Count);
        Assert.All(trials, t => Assert.Equal("completed", t.GetProperty("state").GetString()));
        Assert.Equal(4, trials.Select(t => t.GetProperty("runId").GetString()).Distinct().Count());
        var model = JsonDocument.Parse(await fixture.Tracker.Client.GetStringAsync("/models/sweep-grid")).RootElement;
        // One model version per trial: no trial trained twice, none lost.
        Assert.Equal(trials.Select(t => t.GetProperty("runId").GetString()).Order(),
            model.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("runId").GetString()).Order());
        var best = trials.MaxBy(t => t.GetProperty("objective").GetDouble())!;
        Assert.Equal(best.GetProperty("runId").GetString(), sweep.GetProperty("best").GetProperty("runId").GetString());
        // promoteBest: the best trial's version now answers the alias.
        var bestVersion = sweep.GetProperty("best").GetProperty("modelVersion").GetInt32();
        Assert.Equal("best", sweep.GetProperty("best").GetProperty("promotedAlias").GetString());
        var promoted = model.GetProperty("versions").EnumerateArray().Single(v => v.GetProperty("version").GetInt32() == bestVersion);
        Assert.Equal(best.GetProperty("runId").GetString(), promoted.GetProperty("runId").GetString());
        Assert.Contains("best", promoted.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task The_median_rule_prunes_a_trial_whose_best_is_below_the_median_of_the_other_trials_running_means_at_its_epoch()
    {
        // Grace 1, 3 epochs: the rule decides after epoch 2, once 2 other trials reached it. Trials 0 and 1 start together, so neither has
        // 2 others at epoch 2 and both run to the end; trial 3 (lr 2e-7, which cannot learn) starts only once two trials ended, and their
        // running means include trial 0's (lr 0.003), which learns: the median is above trial 3's best, so trial 3 is pruned at epoch 2.
        var created = await CreateAsync(Spec("sweep-median", new { kind = "median", gracePeriod = 1, minSamples = 2, maxEpochs = 3 }, epochs: 3));
        var id = created.GetProperty("id").GetString()!;
        var sweep = await WaitForEndAsync(id);

        Assert.True(sweep.GetProperty("state").GetString() == "completed", sweep.ToString() + fixture.Output[^Math.Min(fixture.Output.Length, 4000)..]);
        var trials = sweep.GetProperty("trials").EnumerateArray().ToList();
        Assert.Equal(4, trials.Count);
        var pruned = trials[3];
        Assert.True(pruned.GetProperty("state").GetString() == "pruned", sweep.ToString());
        Assert.Equal(2, pruned.GetProperty("prunedAtEpoch").GetInt32());
        Assert.Equal(2, pruned.GetProperty("epochsTrained").GetInt32());
        Assert.All(trials.Take(2), t => Assert.Equal("completed", t.GetProperty("state").GetString()));
        Assert.True(sweep.GetProperty("epochsTrained").GetInt32() < 12, sweep.ToString());

        // The decision follows from the recorded curves: the stated median is the median of the running means (epochs 1–2) of as many
        // other trials as it says it compared, and the pruned trial's best so far is below it.
        var reason = pruned.GetProperty("reason").GetString()!;
        var match = Regex.Match(reason, @"^median rule at epoch 2: best val_accuracy so far is worse than the median ([0-9.]+) of (\d+) trials");
        Assert.True(match.Success, reason);
        var median = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        var compared = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        var curves = new List<double[]>();
        foreach (var trial in trials)
        {
            var curve = JsonDocument.Parse(await fixture.Tracker.Client.GetStringAsync(
                $"/runs/{trial.GetProperty("runId").GetString()}/metrics/val_accuracy?full=true")).RootElement;
            curves.Add(curve.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray());
        }
        Assert.True(curves[3].Take(2).Max() < median, $"{string.Join(", ", curves[3])} against {median}");
        var runningMeans = curves.Take(3).Select(c => c.Take(2).Average()).ToArray();
        var subsets = Enumerable.Range(1, 7).Select(mask => Enumerable.Range(0, 3).Where(i => (mask & (1 << i)) != 0).Select(i => runningMeans[i]).ToArray())
            .Where(subset => subset.Length == compared);
        Assert.Contains(subsets, subset => Math.Abs(Median(subset) - median) < 1e-4);
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
