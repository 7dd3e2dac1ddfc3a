using MassTransit;
using Platform.Contracts;
using Platform.Trainer.Jobs;

namespace Platform.Trainer.Consumers;

/// <summary>Cancels a run: at once when it runs here, otherwise through the cancel request its owner polls.</summary>
public sealed class CancelTrainingConsumer(JobLeases leases, RunningJobs running, ILogger<CancelTrainingConsumer> logger) : IConsumer<CancelTraining>
{
    public async Task Consume(ConsumeContext<CancelTraining> context)
    {
        var request = context.Message;
        await leases.RequestCancelAsync(request.RunId,
            new CancelRequest(string.IsNullOrWhiteSpace(request.Reason) ? "cancelled" : request.Reason, request.RequestedAt), context.CancellationToken);
        var here = running.TryCancel(request.RunId);
        logger.LogInformation("Cancel requested for run {RunId} ({Where})", request.RunId, here ? "running here" : "owner will see it at its next heartbeat");
    }
}
