using MassTransit;
using Platform.Contracts;
using Platform.Contracts.Runs;

namespace Platform.Tracker.Runs;

/// <summary>
/// The one way a run is started: validated with the trainer's rules, recorded as queued, and its <see cref="TrainModel"/> published —
/// for <c>POST /experiments/{experiment}/runs</c>, remedy runs and sweep trials alike. Starting the same run id again records and
/// publishes the same run again (the trainer's lease makes a repeated command harmless), which is what lets a sweep controller that
/// restarts finish a launch it had begun.
/// </summary>
public sealed class RunLauncher(RunStore store, IBus bus, IBusControl busControl, TimeProvider time, ILogger<RunLauncher> logger)
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(10);

    /// <param name="id">The run's id, when the caller chose it (a sweep trial's, reserved before the launch); a new one otherwise.</param>
    /// <param name="requestedAt">When the run was asked for (a relaunch sends the same time, so the trainer sees the same command).</param>
    /// <param name="rungEpochs">A sweep trial's early-stopping decision epochs (<see cref="TrainModel.RungEpochs"/>).</param>
    public async Task<RunLaunch> StartAsync(string experiment, CreateRunRequest? request, RunLineage? lineage, CancellationToken cancellationToken,
        Guid? id = null, DateTimeOffset? requestedAt = null, IReadOnlyList<int>? rungEpochs = null)
    {
        var errors = RunConfigValidator.Validate(experiment, request, out var config);
        if (errors.Count > 0 || config is null)
        {
            return new RunLaunch(null, errors, null);
        }
        // Without a broker the run could not start: refuse before recording anything, so no run is left that no trainer will see.
        if (busControl.CheckHealth().Status == BusHealthStatus.Unhealthy)
        {
            return new RunLaunch(null, null, "The message broker is unavailable, so the run cannot be started now; nothing was recorded. Try again.");
        }
        var runId = id ?? Guid.NewGuid();
        var configJson = config.ToJson();
        var parameters = config.ToParameters().ToDictionary(p => p.Key, p => p.Value.GetRawText());
        await store.CreateQueuedRunAsync(runId, experiment, request!.ModelName!, request.Dataset!.Name!, request.Dataset.Version!.Value,
            configJson, parameters, lineage);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(PublishTimeout);
            await bus.Publish(new TrainModel(runId, experiment, request.Dataset.Name!, request.Dataset.Version.Value, request.ModelName!,
                configJson, requestedAt ?? time.GetUtcNow(), rungEpochs), timeout.Token);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The broker went away between the health check and the publish (or it did not confirm in time): the run is removed,
            // as if it had never been asked for, and the caller retries.
            logger.LogError(exception, "Could not publish TrainModel for run {RunId}; the run is removed", runId);
            await store.DeleteUnsentRunAsync(runId, experiment);
            return new RunLaunch(null, null, "The message broker did not take the run's training command; nothing was recorded. Try again.");
        }
        return new RunLaunch(await store.GetAsync(runId), null, null);
    }
}
