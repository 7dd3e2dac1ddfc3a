using MassTransit;
using Platform.Contracts;
using Platform.Tracker.Diagnostics;

namespace Platform.Tracker.Consumers;

public sealed class WiringProbeAnsweredConsumer(WiringProbeStore store) : IConsumer<WiringProbeAnswered>
{
    public Task Consume(ConsumeContext<WiringProbeAnswered> context) => store.RecordAsync(context.Message);
}
