using MassTransit;
using Platform.Contracts;
using Platform.Tracker.Runs;

namespace Platform.Tracker.Consumers;

/// <summary>A run the trainer stopped on request is cancelled, with the trainer's reason — or pruned, when a sweep's early-stopping rule asked.</summary>
public sealed class RunCancelledConsumer(RunStore runs) : IConsumer<RunCancelled>
{
    public Task Consume(ConsumeContext<RunCancelled> context) =>
        runs.EndStoppedAsync(context.Message.RunId, context.Message.Reason, context.Message.CancelledAt, context.Message.Launch);
}
