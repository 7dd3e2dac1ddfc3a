using MassTransit;
using Platform.Contracts;
using Platform.Inference.Serving;

namespace Platform.Inference.Consumers;

/// <summary>
/// Every replica's own copy of each promotion (a temporary queue per instance, so all replicas swap, not just one of them):
/// records the promotion durably, then loads and swaps in its version. Idempotent: a redelivered or older promotion changes nothing.
/// A package that cannot be loaded fails the message, which goes to retry and then to the error queue.
/// </summary>
public sealed class ModelPromotedConsumer(PromotionStore store, ModelRegistry registry, ILogger<ModelPromotedConsumer> logger) : IConsumer<ModelPromoted>
{
    public async Task Consume(ConsumeContext<ModelPromoted> context)
    {
        var promotion = context.Message;
        if (!await store.RecordAsync(promotion, context.CancellationToken))
        {
            logger.LogInformation("Ignored an older promotion of {Model}@{Alias} to v{Version}.", promotion.ModelName, promotion.Alias, promotion.Version);
            return;
        }
        await registry.ApplyAsync(promotion, context.CancellationToken);
    }
}
