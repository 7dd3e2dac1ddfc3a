using MassTransit;
using Platform.Contracts;
using Platform.Contracts.Runs;
using Platform.Tracker.Runs;

namespace Platform.Tracker.Consumers;

/// <summary>A run the trainer gave up on is failed, with the trainer's reason.</summary>
public sealed class RunFailedConsumer(RunStore runs) : IConsumer<RunFailed>
{
    public Task Consume(ConsumeContext<RunFailed> context)
    {
        var failed = context.Message;
        return runs.EndAsync(failed.RunId, RunStates.Failed, failed.Detail is null ? failed.Reason : $"{failed.Reason}: {failed.Detail}", failed.FailedAt, failed.Launch);
    }
}
