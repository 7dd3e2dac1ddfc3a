using Microsoft.Extensions.Options;
using Platform.Ingest.Datasets;

namespace Platform.Ingest.Processing;

/// <summary>
/// Fails and cleans up versions whose ingest died with its instance (a crash, kill -9, a lost machine):
/// unfinished, not owned here, and silent past <see cref="IngestOptions.AbandonedAfter"/>. Their manifest was
/// never written, so they were never visible; this removes their partial shards and says what happened.
/// </summary>
public sealed class AbandonedIngestSweeper(
    DatasetStore store,
    IngestQueue queue,
    IOptions<IngestOptions> options,
    TimeProvider clock,
    ILogger<AbandonedIngestSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var period = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(1).Ticks, options.Value.AbandonedAfter.Ticks / 2));
        using var timer = new PeriodicTimer(period, clock);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Sweeping abandoned ingests failed; trying again in {Period}", period);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var swept = 0;
        var now = clock.GetUtcNow();
        foreach (var record in await store.ListAllVersionsAsync(cancellationToken))
        {
            var unfinished = record.State is DatasetVersionState.Receiving or DatasetVersionState.Queued or DatasetVersionState.Processing;
            var silentSince = record.HeartbeatAt ?? record.UpdatedAt;
            if (!unfinished || queue.Owns(record.Name, record.Version) || now - silentSince < options.Value.AbandonedAfter)
            {
                continue;
            }
            await store.DeleteContentAsync(record.Name, record.Version, cancellationToken);
            await store.SaveAsync(record with
            {
                State = DatasetVersionState.Failed,
                Error = $"interrupted: the ingest stopped while {record.Progress.Stage} (no heartbeat since {silentSince:O}); upload again",
            }, cancellationToken);
            logger.LogWarning("Dataset {Dataset} v{Version} was abandoned while {Stage}; failed it and removed its partial blobs",
                record.Name, record.Version, record.Progress.Stage);
            swept++;
        }
        return swept;
    }
}
