using System.Globalization;
using MassTransit;
using Platform.Contracts;
using Platform.Contracts.Runs;
using Platform.Tracker.Runs;

namespace Platform.Tracker.Consumers;

/// <summary>
/// A run the trainer stopped on request is cancelled, with the trainer's reason. Only a queued or running run moves, so a
/// redelivery, or a cancellation that lost the race with the run's completion, changes nothing.
/// </summary>
public sealed class RunCancelledConsumer(RunStore runs) : IConsumer<RunCancelled>
{
    public Task Consume(ConsumeContext<RunCancelled> context)
    {
        var cancelled = context.Message;
        return runs.TransitionAsync(cancelled.RunId, RunStates.Cancelled, [RunStates.Queued, RunStates.Running], new Dictionary<string, string>
        {
            ["reason"] = cancelled.Reason,
            ["endedAt"] = cancelled.CancelledAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        });
    }
}
