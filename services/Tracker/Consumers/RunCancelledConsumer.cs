using MassTransit;
using Platform.Contracts;
using Platform.Contracts.Runs;
using Platform.Tracker.Runs;

namespace Platform.Tracker.Consumers;

/// <summary>A run the trainer stopped on request is cancelled, with the trainer's reason.</summary>
public sealed class RunCancelledConsumer(RunStore runs) : IConsumer<RunCancelled>
{
    public Task Consume(ConsumeContext<RunCancelled> context) =>
        runs.EndAsync(context.Message.RunId, RunStates.Cancelled, context.Message.Reason, context.Message.CancelledAt);
}
