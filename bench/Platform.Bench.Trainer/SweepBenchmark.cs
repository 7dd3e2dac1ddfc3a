using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Azure.Storage.Blobs;
using Platform.Contracts;
using Platform.Contracts.Runs;
using Platform.Contracts.Sweeps;
using Platform.Testing;

namespace Platform.Bench.Trainer;

/// <summary>
/// Sweeps through the real services (tracker with its shipped controller settings, one trainer process, Redis, RabbitMQ, Azurite): the
/// same 12-trial random sweep of the small CNN twice in one run, once trained in full and once under ASHA (grace 1, its default factor
/// 3, max epochs = the trials' epochs). Prints ASHA's best validation accuracy against the full sweep's, the share of epochs ASHA trained, and
/// the scheduling overhead — with parallelism 1, each trial's end (the trainer's outcome message) to its successor's training start
/// (its run span), split at the successor's record (the controller's part) — over both sweeps.
/// </summary>
public static class SweepBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        string Option(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        var trials = int.Parse(Option("--trials", "12"), CultureInfo.InvariantCulture);
        var epochs = int.Parse(Option("--epochs", "4"), CultureInfo.InvariantCulture);
        var trainImages = int.Parse(Option("--train", "2000"), CultureInfo.InvariantCulture);
        var validationImages = int.Parse(Option("--validation", "1000"), CultureInfo.InvariantCulture);
        var seed = int.Parse(Option("--seed", "7"), CultureInfo.InvariantCulture);
        // ASHA's own default factor (docs/sweeps.md), as Ray Tune's.
        var factor = int.Parse(Option("--reduction-factor", "3"), CultureInfo.InvariantCulture);
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        var clock = Stopwatch.StartNew();

        await using var servers = await LocalServers.StartAsync(blobs: true, messaging: true, redis: true);
        await DatasetSeeder.PublishFashionMnistAsync(new BlobServiceClient(servers.BlobConnectionString), "bench-sweep", 1, trainImages, validationImages);
        await using var tracker = await ServiceHost.StartAsync("Platform.Tracker", servers.ServiceEnvironment(), TimeSpan.FromMinutes(2));
        await using var trainer = await ServiceHost.StartAsync("Platform.Trainer", servers.ServiceEnvironment().Concat(new Dictionary<string, string?>
        {
            ["Trainer__TrackerOtlpEndpoint"] = tracker.Address.ToString(),
        }).ToDictionary(), TimeSpan.FromMinutes(2));
        var startup = clock.Elapsed;

        object Spec(string experiment, object? earlyStopping) => new
        {
            experiment,
            dataset = "bench-sweep:1",
            modelName = experiment,
            config = new { architecture = "small_cnn", imageSize = 28, inputChannels = 1, epochs, batchSize = 64, augmentation = new { preset = "none" }, seed = 1 },
            parameters = new Dictionary<string, object>
            {
                ["lr"] = new { distribution = "log_uniform", min = 1e-4, max = 3e-2 },
                ["dropout"] = new { distribution = "uniform", min = 0.0, max = 0.5, q = 0.05 },
                ["optimizer.kind"] = new { values = new[] { "adamw", "sgd" } },
            },
            method = "random",
            seed,
            objective = new { metric = "val_accuracy", goal = "maximize" },
            maxTrials = trials,
            parallelism = 1,
            earlyStopping,
        };

        async Task<(SweepRecord Sweep, TimeSpan Took, List<RunRecord> Runs)> SweepAsync(string experiment, object? earlyStopping)
        {
            var started = clock.Elapsed;
            using var response = await tracker.Client.PostAsJsonAsync("/sweeps", Spec(experiment, earlyStopping));
            var created = await response.Content.ReadFromJsonAsync<SweepRecord>(ContractJson.Options)
                ?? throw new InvalidOperationException("no sweep in the answer");
            SweepRecord sweep;
            while ((sweep = (await tracker.Client.GetFromJsonAsync<SweepRecord>($"/sweeps/{created.Id}", ContractJson.Options))!).State == SweepStates.Running)
            {
                await Task.Delay(500);
            }
            if (sweep.State != SweepStates.Completed)
            {
                throw new InvalidOperationException($"sweep {experiment} ended {sweep.State}: {sweep.Reason}\n{tracker.Output[^Math.Min(3000, tracker.Output.Length)..]}");
            }
            var runs = new List<RunRecord>();
            foreach (var trial in sweep.Trials)
            {
                runs.Add((await tracker.Client.GetFromJsonAsync<RunRecord>($"/runs/{trial.RunId}", ContractJson.Options))!);
            }
            return (sweep, clock.Elapsed - started, runs);
        }

        var full = await SweepAsync("bench-sweep-full", earlyStopping: null);
        var asha = await SweepAsync("bench-sweep-asha", new { kind = "asha", gracePeriod = 1, reductionFactor = factor, maxEpochs = epochs });

        var sameConfigurations = full.Sweep.Trials.Zip(asha.Sweep.Trials).All(pair =>
            pair.First.Parameters.Count == pair.Second.Parameters.Count
            && pair.First.Parameters.All(p => pair.Second.Parameters.TryGetValue(p.Key, out var v) && v.GetRawText() == p.Value.GetRawText()));
        var gaps = new List<(double Total, double Controller, double Trainer)>();
        foreach (var runs in new[] { full.Runs, asha.Runs })
        {
            for (var i = 1; i < runs.Count; i++)
            {
                var (ended, next) = (runs[i - 1].EndedAt!.Value, runs[i]);
                gaps.Add(((next.StartedAt!.Value - ended).TotalSeconds, (next.CreatedAt - ended).TotalSeconds, (next.StartedAt!.Value - next.CreatedAt).TotalSeconds));
            }
        }
        static double Median(IEnumerable<double> values) { var sorted = values.Order().ToList(); return sorted[sorted.Count / 2]; }
        var fullBest = full.Sweep.Best!.Objective;
        var ashaBest = asha.Sweep.Best!.Objective;
        var share = (double)asha.Sweep.EpochsTrained / full.Sweep.EpochsTrained;

        Console.WriteLine($"""
            {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load {load} at the start and {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end; start-up {startup.TotalSeconds:F0} s, full sweep {full.Took.TotalSeconds:F0} s, ASHA sweep {asha.Took.TotalSeconds:F0} s
            {trials}-trial random sweep (seed {seed}; lr log-uniform 1e-4–3e-2, dropout 0–0.5 step 0.05, optimizer adamw|sgd) of small_cnn 28², batch 64, {epochs} epochs, {trainImages} train / {validationImages} validation Fashion-MNIST images, parallelism 1, one trainer; same configurations in both sweeps: {(sameConfigurations ? "yes" : "NO")}

            | | Full sweep | ASHA (grace 1, factor {factor}, max {epochs}) |
            |---|---|---|
            | Best val_accuracy (trial) | {fullBest:P2} (trial {full.Sweep.Best.Trial}) | {ashaBest:P2} (trial {asha.Sweep.Best.Trial}) |
            | Epochs trained | {full.Sweep.EpochsTrained} | {asha.Sweep.EpochsTrained} (**{share:P0}**, goal ≤ 50 %) |
            | Trials pruned | 0 | {asha.Sweep.Trials.Count(t => t.State == RunStates.Pruned)} |
            | Wall time | {full.Took.TotalSeconds:F0} s | {asha.Took.TotalSeconds:F0} s |

            ASHA's best against the full sweep's: **{(ashaBest - fullBest) * 100:+0.00;-0.00} points** (goal: within 1 point)
            Scheduling overhead over {gaps.Count} successions (a trial's end to its successor's training start): median **{Median(gaps.Select(g => g.Total)):F2} s**, max {gaps.Max(g => g.Total):F2} s (goal ≤ 2 s); of which the controller (end to the successor's record) median {Median(gaps.Select(g => g.Controller)):F2} s, max {gaps.Max(g => g.Controller):F2} s; the trainer (record to training start) median {Median(gaps.Select(g => g.Trainer)):F2} s, max {gaps.Max(g => g.Trainer):F2} s
            full: {string.Join(", ", full.Sweep.Trials.Select(t => $"{t.Number}:{t.Objective:F3}/{t.EpochsTrained}ep"))}
            asha: {string.Join(", ", asha.Sweep.Trials.Select(t => $"{t.Number}:{t.Objective:F3}/{t.EpochsTrained}ep{(t.State == RunStates.Pruned ? "(pruned)" : "")}"))}
            """);
        return 0;
    }
}
