using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Blobs;
using Platform.Contracts;
using Platform.Contracts.Runs;
using Platform.Contracts.Sweeps;
using Platform.Sweeps;
using Platform.Testing;

namespace Platform.Bench.Trainer;

/// <summary>
/// Sweeps through the real services (the tracker with its shipped controller settings, one trainer process per parallel trial, Redis,
/// RabbitMQ, Azurite): the same 12-trial random sweep of the small CNN twice in one run, once trained in full and once under ASHA
/// (grace 1, factor 3, max epochs = the trials' epochs, 9 by default: rungs at epochs 1 and 3, the end at 9). Prints ASHA's best
/// validation accuracy against the full sweep's, the share of epochs ASHA trained, every trial's score at each rung, and the scheduling
/// overhead over both sweeps: each trial's training start after the end (the trainer's outcome message) that freed its slot, split at
/// the trial's run record (the controller's part: it sees the end, samples, records and publishes).
/// </summary>
public static class SweepBenchmark
{
    private sealed record Settings(int Trials, int Epochs, int TrainImages, int ValidationImages, int Seed, int Grace, int Factor, int Parallelism, int Threads);

    private sealed record SweepResult(SweepRecord Sweep, TimeSpan Took, IReadOnlyList<RunRecord> Runs, IReadOnlyList<IReadOnlyList<double>> Curves);

    public static async Task<int> RunAsync(string[] args)
    {
        string Option(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
        int Number(string name, int fallback) => int.Parse(Option(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        var parallelism = Number("--parallelism", 2);
        var settings = new Settings(
            Trials: Number("--trials", 12),
            // 9 = 3²: with grace 1 and factor 3, rungs at epochs 1 and 3 and the end at 9, successive halving's standard shape.
            Epochs: Number("--epochs", 9),
            TrainImages: Number("--train", 1000),
            ValidationImages: Number("--validation", 1000),
            Seed: Number("--seed", 7),
            Grace: Number("--grace", 1),
            // The platform's default factor (docs/sweeps.md), Li et al.'s η = 3 (Ray Tune's ASHAScheduler defaults to 4).
            Factor: Number("--reduction-factor", 3),
            Parallelism: parallelism,
            // One trainer replica per parallel trial, the cores shared between them (docs/sweeps.md, "Trainer replicas and cores").
            Threads: Math.Max(1, Environment.ProcessorCount / parallelism));
        var load = LoadAverage();
        var clock = Stopwatch.StartNew();

        await using var servers = await LocalServers.StartAsync(blobs: true, messaging: true, redis: true);
        await DatasetSeeder.PublishFashionMnistAsync(new BlobServiceClient(servers.BlobConnectionString), "bench-sweep", 1,
            settings.TrainImages, settings.ValidationImages);
        await using var tracker = await ServiceHost.StartAsync("Platform.Tracker", servers.ServiceEnvironment(), TimeSpan.FromMinutes(2));
        var trainers = new List<ServiceHost>();
        try
        {
            for (var replica = 0; replica < settings.Parallelism; replica++)
            {
                trainers.Add(await ServiceHost.StartAsync("Platform.Trainer", servers.ServiceEnvironment().Concat(new Dictionary<string, string?>
                {
                    ["Trainer__TrackerOtlpEndpoint"] = tracker.Address.ToString(),
                    // Replicas on one machine need a telemetry spool each (docs/sweeps.md).
                    ["Trainer__TelemetrySpoolFolder"] = Path.Combine(Path.GetTempPath(), $"bench-sweep-spool-{Guid.NewGuid():N}"),
                }).ToDictionary(), TimeSpan.FromMinutes(2)));
            }
            var startup = clock.Elapsed;
            var full = await SweepAsync(tracker, settings, clock, "bench-sweep-full", earlyStopping: null);
            var asha = await SweepAsync(tracker, settings, clock, "bench-sweep-asha",
                new { kind = "asha", gracePeriod = settings.Grace, reductionFactor = settings.Factor, maxEpochs = settings.Epochs });
            Report(settings, load, startup, full, asha);
            return 0;
        }
        finally
        {
            foreach (var trainer in trainers)
            {
                await trainer.DisposeAsync();
            }
        }
    }

    private static object Spec(Settings settings, string experiment, object? earlyStopping) => new
    {
        experiment,
        dataset = "bench-sweep:1",
        modelName = experiment,
        config = new
        {
            architecture = "small_cnn", imageSize = 28, inputChannels = 1, epochs = settings.Epochs, batchSize = 64,
            augmentation = new { preset = "none" }, threads = settings.Threads, loaderWorkers = 1, seed = 1,
        },
        parameters = new Dictionary<string, object>
        {
            ["lr"] = new { distribution = "log_uniform", min = 1e-4, max = 3e-2 },
            ["dropout"] = new { distribution = "uniform", min = 0.0, max = 0.5, q = 0.05 },
            ["optimizer.kind"] = new { values = new[] { "adamw", "sgd" } },
        },
        method = "random",
        seed = settings.Seed,
        objective = new { metric = "val_accuracy", goal = "maximize" },
        maxTrials = settings.Trials,
        parallelism = settings.Parallelism,
        earlyStopping,
    };

    private static async Task<SweepResult> SweepAsync(ServiceHost tracker, Settings settings, Stopwatch clock, string experiment, object? earlyStopping)
    {
        var started = clock.Elapsed;
        Progress($"{experiment} starts");
        using var response = await tracker.Client.PostAsJsonAsync("/sweeps", Spec(settings, experiment, earlyStopping));
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"POST /sweeps answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        var created = await response.Content.ReadFromJsonAsync<SweepRecord>(ContractJson.Options)
            ?? throw new InvalidOperationException("no sweep in the answer");
        SweepRecord sweep;
        var ended = 0;
        while ((sweep = (await tracker.Client.GetFromJsonAsync<SweepRecord>($"/sweeps/{created.Id}", ContractJson.Options))!).State == SweepStates.Running)
        {
            var now = sweep.Trials.Count(t => RunStates.IsTerminal(t.State));
            if (now != ended)
            {
                ended = now;
                Progress($"{experiment}: {ended} of {settings.Trials} trials ended, {sweep.EpochsTrained} epochs trained");
            }
            await Task.Delay(500);
        }
        if (sweep.State != SweepStates.Completed)
        {
            throw new InvalidOperationException($"sweep {experiment} ended {sweep.State}: {sweep.Reason}\n{tracker.Output[^Math.Min(3000, tracker.Output.Length)..]}");
        }
        var took = clock.Elapsed - started;
        var runs = new List<RunRecord>();
        var curves = new List<IReadOnlyList<double>>();
        foreach (var trial in sweep.Trials)
        {
            runs.Add((await tracker.Client.GetFromJsonAsync<RunRecord>($"/runs/{trial.RunId}", ContractJson.Options))!);
            curves.Add((await tracker.Client.GetFromJsonAsync<Curve>($"/runs/{trial.RunId}/metrics/val_accuracy?full=true", ContractJson.Options))!.Values);
        }
        return new SweepResult(sweep, took, runs, curves);
    }

    /// <summary>
    /// A trial's start after the end that freed its slot: the controller keeps <c>parallelism</c> trials queued or running, so each trial
    /// after the first <c>parallelism</c> was recorded once the latest end before its record was seen.
    /// </summary>
    private static IEnumerable<(double Total, double Controller, double Trainer)> Successions(IReadOnlyList<RunRecord> runs, int parallelism)
    {
        var ordered = runs.OrderBy(r => r.CreatedAt).ToList();
        for (var i = parallelism; i < ordered.Count; i++)
        {
            var next = ordered[i];
            var ends = ordered.Take(i).Select(r => r.EndedAt!.Value).Where(e => e <= next.CreatedAt).ToList();
            if (ends.Count == 0)
            {
                continue;
            }
            var ended = ends.Max();
            yield return ((next.StartedAt!.Value - ended).TotalSeconds, (next.CreatedAt - ended).TotalSeconds,
                (next.StartedAt!.Value - next.CreatedAt).TotalSeconds);
        }
    }

    /// <summary>
    /// ASHA (the controller's rule) replayed on the full sweep's recorded curves, the trials reaching the rungs one after another in
    /// <paramref name="order"/>: the epochs it would train and its best final score. Each trial trains the same way in both sweeps, so
    /// in the order the real run's trials reached the rungs this is that run.
    /// </summary>
    private static (int Epochs, double Best) Replay(IReadOnlyList<IReadOnlyList<double>> curves, IReadOnlyList<int> order, AshaScheduler rule, int epochs)
    {
        var recorded = rule.DecisionEpochs.ToDictionary(rung => rung, _ => new List<double>());
        var (trained, best) = (0, double.NegativeInfinity);
        foreach (var trial in order)
        {
            var curve = curves[trial];
            var stoppedAt = epochs;
            foreach (var rung in rule.DecisionEpochs)
            {
                var decision = rule.Decide(new RungContext(rung, curve, recorded[rung], []));
                recorded[rung].Add(curve[rung - 1]);
                if (decision.Prune)
                {
                    stoppedAt = rung;
                    break;
                }
            }
            trained += stoppedAt;
            best = stoppedAt == epochs ? Math.Max(best, curve[epochs - 1]) : best;
        }
        return (trained, best);
    }

    private static void Report(Settings s, string load, TimeSpan startup, SweepResult full, SweepResult asha)
    {
        var sameConfigurations = full.Sweep.Trials.Count == asha.Sweep.Trials.Count && full.Sweep.Trials.Zip(asha.Sweep.Trials).All(pair =>
            pair.First.Parameters.Count == pair.Second.Parameters.Count
            && pair.First.Parameters.All(p => pair.Second.Parameters.TryGetValue(p.Key, out var v) && v.GetRawText() == p.Value.GetRawText()));
        var gaps = Successions(full.Runs, s.Parallelism).Concat(Successions(asha.Runs, s.Parallelism)).ToList();
        static double Median(IEnumerable<double> values) { var sorted = values.Order().ToList(); return sorted[sorted.Count / 2]; }
        var fullBest = full.Sweep.Best!.Objective;
        var ashaBest = asha.Sweep.Best!.Objective;
        var points = (ashaBest - fullBest) * 100;
        var share = (double)asha.Sweep.EpochsTrained / full.Sweep.EpochsTrained;
        var rule = new AshaScheduler(s.Grace, s.Factor, s.Epochs);
        var rungs = rule.DecisionEpochs;
        // The same rule over the same curves in other orders: how much of the result is the order trials reached the rungs in.
        var fullEpochs = (double)full.Sweep.EpochsTrained;
        var inTrialOrder = Replay(full.Curves, Enumerable.Range(0, full.Curves.Count).ToList(), rule, s.Epochs);
        var shuffler = new Random(1);
        var orders = Enumerable.Range(0, 20_000).Select(_ =>
        {
            var order = Enumerable.Range(0, full.Curves.Count).ToArray();
            shuffler.Shuffle(order);
            return Replay(full.Curves, order, rule, s.Epochs);
        }).ToList();
        var shown = rungs.Append(s.Epochs).ToList();
        string Scores(IReadOnlyList<double> curve) =>
            string.Join(" ", shown.Select(e => e <= curve.Count ? $"{curve[e - 1]:F3}@{e}" : $"–@{e}"));
        string Parameters(SweepTrial t) => string.Join(" ", t.Parameters.Select(p => p.Value.ValueKind == JsonValueKind.Number
            ? $"{p.Key}={p.Value.GetDouble().ToString("G3", CultureInfo.InvariantCulture)}" : $"{p.Key}={p.Value}"));
        var perTrial = full.Sweep.Trials.Select((t, i) =>
        {
            var a = asha.Sweep.Trials[i];
            var fate = a.State == RunStates.Pruned ? $"pruned at {a.PrunedAtEpoch} ({a.Reason})" : a.State;
            return $"| {t.Number} | {Parameters(t)} | {Scores(full.Curves[i])} | {fate}, {a.EpochsTrained} epochs |";
        });

        Console.WriteLine($"""
            {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load {load} at the start and {LoadAverage()} at the end; start-up {startup.TotalSeconds:F0} s, full sweep {full.Took.TotalSeconds:F0} s, ASHA sweep {asha.Took.TotalSeconds:F0} s
            {s.Trials}-trial random sweep (seed {s.Seed}; lr log-uniform 1e-4–3e-2, dropout 0–0.5 step 0.05, optimizer adamw|sgd) of small_cnn 28², batch 64, {s.Epochs} epochs, {s.TrainImages} train / {s.ValidationImages} validation Fashion-MNIST images, parallelism {s.Parallelism} with {s.Parallelism} trainer replicas ({s.Threads} torch thread(s), 1 loader worker each); same configurations in both sweeps: {(sameConfigurations ? "yes" : "NO")}

            | | Full sweep | ASHA (grace {s.Grace}, factor {s.Factor}, max {s.Epochs}: rungs {string.Join(", ", rungs)}) |
            |---|---|---|
            | Best val_accuracy (trial) | {fullBest:P2} (trial {full.Sweep.Best.Trial}) | {ashaBest:P2} (trial {asha.Sweep.Best.Trial}) |
            | Epochs trained | {full.Sweep.EpochsTrained} | {asha.Sweep.EpochsTrained} (**{share:P0}**, goal ≤ 50 %: {(share <= 0.5 ? "met" : "not met")}) |
            | Trials pruned | 0 | {asha.Sweep.Trials.Count(t => t.State == RunStates.Pruned)} ({string.Join(", ", rungs.Select(r => $"{asha.Sweep.Trials.Count(t => t.PrunedAtEpoch == r)} at epoch {r}"))}) |
            | Wall time | {full.Took.TotalSeconds:F0} s | {asha.Took.TotalSeconds:F0} s |

            ASHA's best against the full sweep's: **{points:+0.00;-0.00} points** (goal: within 1 point: {(points >= -1 - 1e-9 ? "met" : "not met")})
            Scheduling overhead over {gaps.Count} successions (a trial's end to the training start of the trial that took its slot): median **{Median(gaps.Select(g => g.Total)):F2} s**, max {gaps.Max(g => g.Total):F2} s (goal ≤ 2 s); of which the controller (end to the trial's record) median {Median(gaps.Select(g => g.Controller)):F2} s, max {gaps.Max(g => g.Controller):F2} s; the trainer (record to training start) median {Median(gaps.Select(g => g.Trainer)):F2} s, max {gaps.Max(g => g.Trainer):F2} s

            ASHA replayed on the full sweep's curves (the trials reaching the rungs one after another): in trial order {inTrialOrder.Epochs / fullEpochs:P0} of the epochs, best {inTrialOrder.Best:P2}; over {orders.Count:N0} random orders {orders.Average(o => o.Epochs) / fullEpochs:P0} of the epochs on average (≤ 50 % in {orders.Count(o => o.Epochs <= fullEpochs / 2) / (double)orders.Count:P0} of them), best {orders.Average(o => (o.Best - fullBest) * 100):+0.00;-0.00} points from the full sweep's on average (within 1 point in {orders.Count(o => o.Best - fullBest >= -0.01 - 1e-9) / (double)orders.Count:P0})

            | Trial | Parameters | Full sweep val_accuracy at the rungs and the end | Under ASHA |
            |---|---|---|---|
            {string.Join("\n", perTrial)}
            """);
    }

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    private static void Progress(string message) => Console.Error.WriteLine($"[{DateTimeOffset.UtcNow:HH:mm:ss}] {message}");
}
