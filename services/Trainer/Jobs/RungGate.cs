using System.Diagnostics;
using Azure;
using Azure.Storage.Blobs;
using Platform.Contracts;
using Platform.Training.Engine;

namespace Platform.Trainer.Jobs;

/// <summary>
/// Holds a sweep's trial after each of its rung epochs (<see cref="TrainModel.RungEpochs"/>) until the sweep controller decides: the
/// epoch's checkpoint is stored and its metrics are sent to the tracker first, then the trial waits for the controller's
/// <see cref="StorageLayout.RunRungPassed"/> blob (go on) or for the run's cancellation (pruned: a <see cref="CancelTraining"/>).
/// As a Ray Tune trainable waits in <c>report</c>, this makes the early-stopping rule save the epochs it says it saves, however
/// fast an epoch is. A controller that never answers (a tracker down for long) does not hold the trial for ever: after
/// <see cref="TrainerOptions.RungVerdictTimeout"/> it goes on.
/// </summary>
public sealed class RungGate(
    BlobContainerClient runs,
    Guid runId,
    IReadOnlyCollection<int> epochs,
    Action flushTelemetry,
    TimeSpan timeout,
    ILogger logger,
    CancellationToken cancellationToken) : ITrainingObserver
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly HashSet<int> waited = [];

    public void OnEvent(TrainingEvent trainingEvent)
    {
        // Every checkpoint of the epoch is written before the first CheckpointSaved: waiting here loses nothing to a kill.
        // A mid-epoch checkpoint (checkpoint.everySteps) comes before the epoch's figures: the rung is decided at the epoch's end.
        if (trainingEvent is not CheckpointSaved { Epoch: var epoch, SamplesInEpoch: null } || !epochs.Contains(epoch) || !waited.Add(epoch))
        {
            return;
        }
        flushTelemetry();
        var verdict = runs.GetBlobClient(StorageLayout.RunRungPassed(runId, epoch));
        var clock = Stopwatch.StartNew();
        logger.LogInformation("Run {RunId} waits after epoch {Epoch} for the sweep's early-stopping verdict", runId, epoch);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                if (verdict.Exists(cancellationToken).Value)
                {
                    logger.LogInformation("Run {RunId} passed the rung at epoch {Epoch} after {Seconds:0.0} s", runId, epoch, clock.Elapsed.TotalSeconds);
                    return;
                }
            }
            catch (RequestFailedException exception)
            {
                // Storage unreachable for a moment: keep waiting (the lease's own outage handling decides about the run).
                logger.LogDebug(exception, "Could not look for run {RunId}'s verdict at epoch {Epoch}", runId, epoch);
            }
            if (clock.Elapsed > timeout)
            {
                logger.LogWarning("Run {RunId}: no early-stopping verdict after epoch {Epoch} within {Timeout}; it goes on", runId, epoch, timeout);
                return;
            }
            cancellationToken.WaitHandle.WaitOne(PollInterval);
        }
    }
}
