using MassTransit;
using Platform.Contracts;
using Platform.Inference.Serving;

namespace Platform.Inference.Consumers;

/// <summary>
/// The service's durable, shared queue for promotions: it records each promotion even while no replica is running (the per-instance
/// queues exist only while their instance does), so the next instance to start loads it.
/// </summary>
public sealed class ModelPromotionRecorder(PromotionStore store) : IConsumer<ModelPromoted>
{
    public Task Consume(ConsumeContext<ModelPromoted> context) => store.RecordAsync(context.Message, context.CancellationToken);
}
