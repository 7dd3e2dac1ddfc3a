using MassTransit;
using Platform.Contracts;

namespace Platform.Inference.Serving;

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

/// <summary>
/// The service's durable, shared queue for promotions: it records each promotion even while no replica is running (the per-instance
/// queues exist only while their instance does), so the next instance to start loads it.
/// </summary>
public sealed class ModelPromotionRecorder(PromotionStore store) : IConsumer<ModelPromoted>
{
    public Task Consume(ConsumeContext<ModelPromoted> context) => store.RecordAsync(context.Message, context.CancellationToken);
}

/// <summary>
/// At start, loads every version that was promoted before this instance started (from <see cref="PromotionStore"/>). A version that
/// fails to load is retried; until it loads, readiness says which one is pending.
/// </summary>
public sealed class StartupModelLoader(PromotionStore store, ModelRegistry registry, ILogger<StartupModelLoader> logger) : BackgroundService
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        IReadOnlyList<ModelPromoted> promotions;
        while (true)
        {
            try
            {
                promotions = await store.ReadAllAsync(stoppingToken);
                break;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Cannot read the recorded promotions; retrying in {Interval}.", RetryInterval);
                await Task.Delay(RetryInterval, stoppingToken);
            }
        }
        foreach (var promotion in promotions)
        {
            registry.Announce(promotion);
        }
        registry.MarkStartupComplete();
        var pending = promotions.OrderBy(p => p.PromotedAt).ToList();
        while (pending.Count > 0)
        {
            foreach (var promotion in pending.ToList())
            {
                try
                {
                    await registry.ApplyAsync(promotion, stoppingToken);
                    pending.Remove(promotion);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    logger.LogError(exception, "Cannot load {Model} v{Version} for {Alias}; retrying in {Interval}.", promotion.ModelName, promotion.Version, promotion.Alias, RetryInterval);
                }
            }
            if (pending.Count > 0)
            {
                await Task.Delay(RetryInterval, stoppingToken);
            }
        }
    }
}
