using MassTransit;
using Platform.Contracts;

namespace Platform.Tracker.Diagnostics;

public sealed class WiringProbeAnsweredConsumer(WiringProbeStore store) : IConsumer<WiringProbeAnswered>
{
    public Task Consume(ConsumeContext<WiringProbeAnswered> context) => store.RecordAsync(context.Message);
}
