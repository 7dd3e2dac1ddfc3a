using Platform.Contracts;

namespace Platform.Inference.Serving;

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
