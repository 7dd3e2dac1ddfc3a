using Azure;
using MassTransit;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Platform.Contracts;
using Platform.Trainer.Jobs;
using Platform.Trainer.Storage;
using Platform.Trainer.Telemetry;

namespace Platform.Trainer.Consumers;

/// <summary>
/// Runs a <see cref="TrainModel"/> job while holding its delivery: if this trainer dies, RabbitMQ hands the message
/// to another trainer, which resumes from the newest checkpoint. The blob lease makes sure that a run never executes
/// twice at once (say, after a spurious redelivery) and that a finished run is not started again. One job at a time
/// per trainer (see <see cref="TrainModelConsumerDefinition"/>).
/// </summary>
public sealed class TrainModelConsumer(
    JobLeases leases,
    TrainingJob trainingJob,
    RunningJobs running,
    IOptions<TrainerOptions> options,
    TimeProvider time,
    ILogger<TrainModelConsumer> logger,
    TracerProvider? tracing = null,
    TelemetryForwarder? forwarder = null) : IConsumer<TrainModel>
{
    private const int TelemetryFlushMilliseconds = 5000;

    private StorageOutage Outage => new(options.Value.StorageOutageTolerance, time, logger);

    public async Task Consume(ConsumeContext<TrainModel> context)
    {
        var job = context.Message;
        var acquired = await WaitForLeaseAsync(job, context.CancellationToken);
        if (acquired is not var (lease, etag, why))
        {
            return;
        }
        if (await leases.CancelRequestAsync(job.RunId, context.CancellationToken) is { } cancel)
        {
            if (cancel.RequestedAt >= job.RequestedAt)
            {
                // Cancelled before it started (or between attempts).
                await FinishCancelledAsync(context, lease, etag, cancel.Reason);
                return;
            }
            // This TrainModel was sent after the cancel: it is a resume, which clears the old request.
            await leases.ClearCancelRequestAsync(job.RunId, context.CancellationToken);
        }

        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        running.Add(job.RunId, cancellation);
        var heartbeat = KeepLeaseAsync(lease, etag, cancellation);
        try
        {
            var result = await trainingJob.RunAsync(job, lease.Attempt, why, cancellation.Token);
            etag = await StopHeartbeatAsync(heartbeat, cancellation);
            await Outage.WaitOutAsync("recording the run's completion",
                _ => leases.FinishAsync(lease, etag, JobState.Completed, $"model package {result.PackageUri}", CancellationToken.None), CancellationToken.None);
            await FlushTelemetryAsync();
            var metrics = new Dictionary<string, double>
            {
                ["accuracy"] = result.Report.Accuracy,
                ["macro_f1"] = result.Report.MacroF1,
                ["val_loss"] = result.Report.ValidationLoss,
                ["parity_max_abs_logit_difference"] = result.Parity.MaxAbsLogitDifference,
            };
            if (result.Report.Calibration is { } calibration)
            {
                metrics["temperature"] = calibration.Temperature;
                metrics["ece_before_calibration"] = calibration.EceBefore;
                metrics["ece_after_calibration"] = calibration.EceAfter;
            }
            await context.Publish(new ModelTrained(job.RunId, job.ModelName, result.PackageUri.ToString(), job.DatasetName, job.DatasetVersion,
                metrics, time.GetUtcNow(), result.Parity, result.MisclassifiedExamples));
            logger.LogInformation("Run {RunId} completed: accuracy {Accuracy:P2}, package {Package}", job.RunId, result.Report.Accuracy, result.PackageUri);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested)
        {
            etag = await StopHeartbeatAsync(heartbeat, cancellation);
            var reason = (await leases.CancelRequestAsync(job.RunId, CancellationToken.None))?.Reason ?? "cancelled";
            await FinishCancelledAsync(context, lease, etag, reason);
        }
        catch (TrainingJobFailedException failure)
        {
            etag = await StopHeartbeatAsync(heartbeat, cancellation);
            await Outage.WaitOutAsync("recording the run's failure",
                _ => leases.FinishAsync(lease, etag, JobState.Failed, $"{failure.Reason}: {failure.Detail}", CancellationToken.None), CancellationToken.None);
            await FlushTelemetryAsync();
            await context.Publish(new Contracts.RunFailed(job.RunId, failure.Reason, failure.Detail, time.GetUtcNow(), job.Launch));
            logger.LogWarning("Run {RunId} failed for good: {Reason}: {Detail}", job.RunId, failure.Reason, failure.Detail);
        }
        catch (LeaseLostException)
        {
            // Another trainer owns the run now; it will finish it. This delivery has nothing more to do.
            logger.LogWarning("Run {RunId}: lease lost to another trainer; stopped here", job.RunId);
        }
        catch (Exception exception)
        {
            // Transient (storage, broker, shutdown): give the run back at once and let the message be retried or redelivered.
            etag = await StopHeartbeatAsync(heartbeat, cancellation);
            await TryInterruptAsync(lease, etag, exception.Message);
            logger.LogWarning(exception, "Run {RunId} interrupted; it resumes from its last checkpoint on redelivery", job.RunId);
            throw;
        }
        finally
        {
            running.Remove(job.RunId);
        }
    }

    private async Task<(JobLease Lease, ETag ETag, string Why)?> WaitForLeaseAsync(TrainModel job, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (await leases.TryAcquireAsync(job.RunId, job.RequestedAt, cancellationToken) is { } acquired)
            {
                return acquired;
            }
            var current = await leases.GetAsync(job.RunId, cancellationToken);
            if (current is { Lease: var lease } && lease.Settles(job.RequestedAt))
            {
                logger.LogInformation("Run {RunId} is already {State}; nothing to do for this delivery", job.RunId, lease.State);
                return null;
            }
            // Someone holds a live lease (a spurious redelivery, or a trainer that just died): wait for it to finish or expire.
            await Task.Delay(options.Value.HeartbeatInterval, cancellationToken);
        }
    }

    private async Task FinishCancelledAsync(ConsumeContext<TrainModel> context, JobLease lease, ETag etag, string reason)
    {
        await Outage.WaitOutAsync("recording the run's cancellation", _ => leases.FinishAsync(lease, etag, JobState.Cancelled, reason, CancellationToken.None), CancellationToken.None);
        await FlushTelemetryAsync();
        await context.Publish(new RunCancelled(lease.RunId, reason, time.GetUtcNow(), context.Message.Launch));
        logger.LogInformation("Run {RunId} cancelled: {Reason}", lease.RunId, reason);
    }

    /// <summary>
    /// Spans leave in batches, while the outcome message goes at once: the outcome waits until the run's spans are exported (to
    /// the spool) and the tracker has acknowledged them, so the tracker never hears that a run ended before it stored its points
    /// (a tracker down for minutes delays the outcome, bounded by Trainer:OutcomeTelemetryWait).
    /// </summary>
    private async Task FlushTelemetryAsync()
    {
        if (tracing is not null && !await Task.Run(() => tracing.ForceFlush(TelemetryFlushMilliseconds)))
        {
            logger.LogWarning("Training spans were not all exported within {Milliseconds} ms; the tracker may show the run's last epoch late", TelemetryFlushMilliseconds);
        }
        if (forwarder is not null && !await forwarder.WaitUntilDeliveredAsync(options.Value.OutcomeTelemetryWait, CancellationToken.None))
        {
            logger.LogWarning("The tracker has not acknowledged the run's telemetry within {Wait}; the outcome is announced and the points follow when it is back",
                options.Value.OutcomeTelemetryWait);
        }
    }

    private async Task TryInterruptAsync(JobLease lease, ETag etag, string reason)
    {
        try
        {
            await leases.FinishAsync(lease, etag, JobState.Interrupted, reason, CancellationToken.None);
        }
        catch (Exception exception) when (exception is LeaseLostException or RequestFailedException)
        {
            // The lease expires by itself; another trainer takes the run then.
        }
    }

    /// <summary>Renews the lease and watches for a cancel request until the run ends; returns the latest ETag.</summary>
    private async Task<ETag> KeepLeaseAsync(JobLease lease, ETag etag, CancellationTokenSource run)
    {
        // Two blob calls every heartbeat would each be a span in the run's trace, hundreds in an hour's run, burying
        // its epochs and checkpoints. Suppressing instrumentation records nothing for them. Clearing Activity.Current
        // instead would not: each renewal would become a root trace of its own. The scope is an AsyncLocal set inside
        // this async method, so it covers the loop only, never the training it runs beside.
        using var untraced = SuppressInstrumentationScope.Begin();
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(run.Token))
            {
                // Not cancellable: a renewal cancelled after the write succeeded would leave a stale ETag, and the
                // run's final write would then wrongly find its lease lost. While storage is unreachable no other trainer
                // can take the lease either, so the renewal waits (the wait, not the write, ends with the run).
                var current = etag;
                etag = await Outage.WaitOutAsync("renewing the run's lease", _ => leases.RenewAsync(lease, current, CancellationToken.None), run.Token);
                if (await Outage.WaitOutAsync("looking for a cancel request", token => leases.CancelRequestAsync(lease.RunId, token), run.Token) is not null)
                {
                    await run.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (LeaseLostException)
        {
            await run.CancelAsync();
            throw;
        }
        return etag;
    }

    private static async Task<ETag> StopHeartbeatAsync(Task<ETag> heartbeat, CancellationTokenSource run)
    {
        await run.CancelAsync();
        return await heartbeat;
    }
}
