using System.Globalization;
using Azure.Storage.Blobs;
using MassTransit;
using Platform.Contracts;
using Platform.Contracts.Runs;
using Platform.Contracts.Sweeps;
using Platform.Sweeps;
using Platform.Tracker.Apis;
using Platform.Tracker.Registry;
using Platform.Tracker.Runs;

namespace Platform.Tracker.Sweeps;

/// <summary>
/// One pass over a sweep, by the replica that holds its lease: finish launches a previous pass began, decide on trials that reached a
/// rung epoch, keep <c>parallelism</c> trials queued or running, and end the sweep with its best trial once every trial ended. Every step
/// reads what it needs from Redis and writes set-if-absent records first, so a pass cut short by a crash is simply done again by the
/// next one — at-least-once messages, idempotent handling, no trial lost or started twice.
/// </summary>
public sealed class SweepDriver(
    SweepStore sweeps,
    SweepReader reader,
    RunStore runs,
    RunLauncher launcher,
    ModelRegistry registry,
    ModelPackageCheck packages,
    BlobServiceClient blobs,
    IBus bus,
    SweepTelemetry telemetry,
    TimeProvider time,
    ILogger<SweepDriver> logger)
{
    private BlobContainerClient RunsContainer => blobs.GetBlobContainerClient(StorageLayout.RunsContainer);

    public async Task StepAsync(Guid id, CancellationToken cancellationToken)
    {
        var sweep = await sweeps.GetAsync(id);
        if (sweep?.State == SweepStates.Stopped)
        {
            // Stopped, but the stop's cancellations may not all have been made (the tracker that took it died): make them again.
            await FinishStopAsync(id, cancellationToken);
            return;
        }
        if (sweep is null || SweepStates.IsTerminal(sweep.State))
        {
            await sweeps.EndAsync(id, SweepStates.Failed, "The sweep's record is gone.", null);
            return;
        }
        await PassAsync(sweep, cancellationToken);
    }

    /// <summary>
    /// A stop's second half, once the stopped state is stored (<see cref="SweepStore.EndAsync"/> with keepActive): from then on no trial is
    /// reserved and no launch begins, so after the launches already under way finish, the trials read here are every trial that will ever
    /// have a run; each one still queued or running is cancelled. Then the sweep leaves the controller's list. Repeating it changes nothing.
    /// </summary>
    public async Task FinishStopAsync(Guid id, CancellationToken cancellationToken)
    {
        await sweeps.WaitForLaunchesAsync(id, cancellationToken);
        foreach (var trial in await sweeps.TrialsAsync(id))
        {
            if (await runs.GetAsync(trial.RunId, details: false) is { } run && !RunStates.IsTerminal(run.State))
            {
                await runs.MarkCancelRequestedAsync(run.Id);
                await bus.Publish(new CancelTraining(run.Id, $"Sweep {id} was stopped", time.GetUtcNow()), cancellationToken);
                await runs.TransitionAsync(run.Id, RunStates.Cancelled, [RunStates.Queued],
                    new Dictionary<string, string> { ["reason"] = "Cancelled before training started: its sweep was stopped" });
            }
        }
        await sweeps.RetireAsync(id);
    }

    /// <summary>
    /// The rest of a pass, over the sweep as the pass read it. A stop may be stored at any moment of it: reserving a trial and opening its
    /// launch both check the stored state, so a pass that read a running sweep starts nothing once the stop is stored.
    /// </summary>
    public async Task PassAsync(StoredSweep sweep, CancellationToken cancellationToken)
    {
        var id = sweep.Id;
        if (SweepSpecValidator.Validate(sweep.Spec, out var definition).Count > 0 || definition is null)
        {
            await EndAsync(id, SweepStates.Failed, "The sweep's spec is no longer valid under the trainer's rules.", null);
            return;
        }
        var trials = (await reader.TrialsAsync(id, definition.Metric, definition.Maximize)).ToList();

        foreach (var unpublished in trials.Where(t => !t.Trial.Published && t.Trial.Invalid is null).ToList())
        {
            await LaunchAsync(sweep, definition, unpublished.Trial, cancellationToken);
        }
        if (definition.EarlyStopping is { } rule)
        {
            foreach (var trial in trials.Where(t => t.Run is { State: RunStates.Queued or RunStates.Running }))
            {
                await DecideAsync(sweep.Id, definition, rule, trial, trials, cancellationToken);
            }
        }
        await RefillAsync(sweep, definition, trials, cancellationToken);
        await CompleteIfDoneAsync(sweep, definition, trials, cancellationToken);
    }

    /// <summary>Decides at each decision epoch the trial reached; repeats the effect of a decision already taken (at-least-once).</summary>
    private async Task DecideAsync(Guid sweepId, SweepDefinition definition, IEarlyStoppingRule rule, TrialSnapshot trial,
        IReadOnlyList<TrialSnapshot> all, CancellationToken cancellationToken)
    {
        var run = trial.Run!;
        var decisions = await sweeps.DecisionsAsync(sweepId);
        foreach (var epoch in rule.DecisionEpochs.Where(e => e <= trial.Scores.Count))
        {
            if (!decisions.TryGetValue(SweepStore.DecisionField(run.Id, epoch), out var decision))
            {
                var recorded = (await sweeps.RungAsync(sweepId, epoch)).Where(r => r.Key != run.Id).Select(r => r.Value).ToList();
                var others = all.Where(t => t.Trial.RunId != run.Id && t.Scores.Count > 0).Select(t => t.Scores).ToList();
                var verdict = rule.Decide(new RungContext(epoch, trial.Scores, recorded, others));
                decision = await sweeps.DecideAsync(sweepId, run.Id, epoch, new StoredDecision(verdict.Prune, trial.Scores[epoch - 1], verdict.Threshold,
                    verdict.Compared, Reason(definition, rule, epoch, trial.Values[epoch - 1], verdict)));
                logger.LogInformation("Sweep {SweepId} trial {Trial} at epoch {Epoch}: {Verdict} ({Reason})", sweepId, trial.Trial.Number, epoch,
                    decision.Prune ? "pruned" : "goes on", decision.Reason);
            }
            if (decision.Prune)
            {
                if (!run.CancelRequested)
                {
                    await runs.MarkPruneRequestedAsync(run.Id, epoch, decision.Reason);
                    await bus.Publish(new CancelTraining(run.Id, decision.Reason, time.GetUtcNow()), cancellationToken);
                }
                return;
            }
            // Only the latest rung holds the trial; earlier ones were passed already (or the trial resumed past them).
            if (epoch == rule.DecisionEpochs.Last(e => e <= trial.Scores.Count))
            {
                var passed = RunsContainer.GetBlobClient(StorageLayout.RunRungPassed(run.Id, epoch));
                if (!(await passed.ExistsAsync(cancellationToken)).Value)
                {
                    await RunsContainer.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
                    await passed.UploadAsync(BinaryData.FromString(decision.Reason), overwrite: true, cancellationToken);
                }
            }
        }
    }

    private static string Reason(SweepDefinition definition, IEarlyStoppingRule rule, int epoch, double value, PruneDecision verdict)
    {
        string Text(double score) => (definition.Maximize ? score : -score).ToString("0.####", CultureInfo.InvariantCulture);
        var current = value.ToString("0.####", CultureInfo.InvariantCulture);
        return (rule, verdict.Threshold) switch
        {
            (_, null) => $"{rule.Kind} at epoch {epoch}: {definition.Metric} {current}, nothing to compare with yet ({verdict.Compared} trials)",
            (AshaScheduler asha, { } cutoff) =>
                $"ASHA rung at epoch {epoch}: {definition.Metric} {current} {(verdict.Prune ? "is below" : "reaches")} the top-1/{asha.ReductionFactor} cutoff {Text(cutoff)} of {verdict.Compared} trials",
            (_, { } median) =>
                $"median rule at epoch {epoch}: best {definition.Metric} so far {(verdict.Prune ? "is worse than" : "reaches")} the median {Text(median)} of {verdict.Compared} trials' running means",
        };
    }

    /// <summary>Starts trials until <c>parallelism</c> are queued or running, or the sweep has planned all of its trials.</summary>
    private async Task RefillAsync(StoredSweep sweep, SweepDefinition definition, List<TrialSnapshot> trials, CancellationToken cancellationToken)
    {
        var active = trials.Count(t => !t.IsDone);
        var planned = sweep.TrialsPlanned;
        var search = definition.CreateSearch();
        while (active < definition.Parallelism && trials.Count < planned)
        {
            var number = trials.Count;
            var observations = trials.Where(t => t.Run?.State is RunStates.Completed or RunStates.Pruned && t.Objective is { } v && double.IsFinite(v))
                .Select(t => new TrialObservation(t.Trial.Parameters, definition.Score(t.Objective!.Value))).ToList();
            if (search.Suggest(number, observations) is not { } parameters)
            {
                await sweeps.SetTrialsPlannedAsync(sweep.Id, number);
                return;
            }
            if (await sweeps.ReserveTrialAsync(sweep.Id, new StoredTrial(number, Guid.NewGuid(), parameters, time.GetUtcNow(), Published: false))
                is not { } trial)
            {
                return;
            }
            var launched = await LaunchAsync(sweep, definition, trial, cancellationToken);
            if (launched is null)
            {
                return;
            }
            trials.Add(new TrialSnapshot(launched, null, null, [], []));
            active += launched.Invalid is null ? 1 : 0;
        }
    }

    /// <summary>
    /// Launches a reserved trial through the one way runs start; returns it as stored now, or null when the broker is away or the sweep
    /// ended meanwhile. The launch runs inside its window (<see cref="SweepStore.TryBeginLaunchAsync"/>), which a stop waits out.
    /// </summary>
    private async Task<StoredTrial?> LaunchAsync(StoredSweep sweep, SweepDefinition definition, StoredTrial trial, CancellationToken cancellationToken)
    {
        if (!await sweeps.TryBeginLaunchAsync(sweep.Id, trial.Number))
        {
            logger.LogInformation("Sweep {SweepId} ended before trial {Trial} started; it is not started", sweep.Id, trial.Number);
            return null;
        }
        try
        {
            return await LaunchInWindowAsync(sweep, definition, trial, cancellationToken);
        }
        finally
        {
            await sweeps.EndLaunchAsync(sweep.Id, trial.Number);
        }
    }

    private async Task<StoredTrial?> LaunchInWindowAsync(StoredSweep sweep, SweepDefinition definition, StoredTrial trial, CancellationToken cancellationToken)
    {
        var request = new CreateRunRequest(new RunDataset(definition.DatasetName, sweep.DatasetVersion), definition.ModelName,
            definition.TrialConfig(trial.Parameters));
        var launch = await launcher.StartAsync(definition.Experiment, request,
            new RunLineage(SweepId: sweep.Id, SweepTrial: trial.Number, SweepParameters: trial.Parameters), cancellationToken,
            id: trial.RunId, requestedAt: trial.RequestedAt, rungEpochs: definition.EarlyStopping?.DecisionEpochs);
        if (launch.BrokerUnavailable is { } unavailable)
        {
            logger.LogWarning("Sweep {SweepId} trial {Trial} not started yet: {Reason}", sweep.Id, trial.Number, unavailable);
            return null;
        }
        var stored = launch.Errors is { } errors
            ? trial with { Invalid = "The trainer's rules refuse the sampled configuration: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")) }
            : trial with { Published = true };
        await sweeps.UpdateTrialAsync(sweep.Id, stored);
        if (stored.Invalid is null)
        {
            telemetry.TrialStarted(sweep.Id, stored);
            logger.LogInformation("Sweep {SweepId} trial {Trial} started as run {RunId}", sweep.Id, trial.Number, trial.RunId);
        }
        else
        {
            logger.LogWarning("Sweep {SweepId} trial {Trial} refused: {Reason}", sweep.Id, trial.Number, stored.Invalid);
        }
        return stored;
    }

    private async Task CompleteIfDoneAsync(StoredSweep sweep, SweepDefinition definition, List<TrialSnapshot> trials, CancellationToken cancellationToken)
    {
        var now = await sweeps.GetAsync(sweep.Id);
        if (now is null || SweepStates.IsTerminal(now.State) || trials.Count < now.TrialsPlanned || trials.Any(t => !t.IsDone))
        {
            return;
        }
        if (SweepReader.Best(trials, definition.Maximize) is not { } leader)
        {
            await EndAsync(sweep.Id, SweepStates.Failed, "No trial completed with a value of " + definition.Metric + ".", null);
            return;
        }
        var version = await registry.VersionOfRunAsync(definition.ModelName, leader.Trial.RunId);
        string? promoted = null;
        if (definition.PromoteBest is { } alias && version is { } bestVersion)
        {
            var refused = await ModelsApi.PromoteAsync(definition.ModelName, alias, bestVersion, registry, packages, bus, time, cancellationToken);
            promoted = refused is null ? alias : null;
            if (refused is not null)
            {
                logger.LogWarning("Sweep {SweepId} did not promote version {Version} to {Alias}: {Reason}", sweep.Id, bestVersion, alias, refused);
            }
        }
        var best = new SweepBest(leader.Trial.Number, leader.Trial.RunId, leader.Objective!.Value, version, promoted);
        await EndAsync(sweep.Id, SweepStates.Completed, null, best);
        logger.LogInformation("Sweep {SweepId} completed: best trial {Trial} (run {RunId}), {Metric} {Value}", sweep.Id, best.Trial, best.RunId,
            definition.Metric, best.Objective);
    }

    private async Task EndAsync(Guid id, string state, string? reason, SweepBest? best)
    {
        if (await sweeps.EndAsync(id, state, reason, best))
        {
            telemetry.Ended(id, state, reason);
        }
    }
}
