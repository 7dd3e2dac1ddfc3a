using System.Globalization;
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
        return runs.TransitionAsync(failed.RunId, RunStates.Failed, [RunStates.Queued, RunStates.Running], new Dictionary<string, string>
        {
            ["reason"] = failed.Detail is null ? failed.Reason : $"{failed.Reason}: {failed.Detail}",
            ["endedAt"] = failed.FailedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        });
    }
}
