using Microsoft.Extensions.Options;
using Platform.Ingest.Datasets;
using Platform.Contracts.Datasets;

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

    private bool IsAbandoned(DatasetVersionRecord record, DateTimeOffset now) =>
        record.State is DatasetVersionState.Receiving or DatasetVersionState.Queued or DatasetVersionState.Processing
        && !queue.Owns(record.Name, record.Version)
        && now - (record.HeartbeatAt ?? record.UpdatedAt) >= options.Value.AbandonedAfter;

    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var swept = 0;
        var now = clock.GetUtcNow();
        foreach (var listed in await store.ListAllVersionsAsync(cancellationToken))
        {
            if (!IsAbandoned(listed, now)
                || await store.GetWithETagAsync(listed.Name, listed.Version, cancellationToken) is not ({ } record, var etag)
                || !IsAbandoned(record, now))
            {
                continue;
            }
            var silentSince = record.HeartbeatAt ?? record.UpdatedAt;
            // Conditional on the record as just read: if its owner writes meanwhile (it was alive after all), it wins.
            var failed = record with
            {
                State = DatasetVersionState.Failed,
                Error = $"interrupted: the ingest stopped while {record.Progress.Stage} (no heartbeat since {silentSince:O}); upload again",
            };
            if (!await store.TrySaveIfUnchangedAsync(failed, etag, cancellationToken))
            {
                continue;
            }
            await store.DeleteContentAsync(record.Name, record.Version, cancellationToken);
            logger.LogWarning("Dataset {Dataset} v{Version} was abandoned while {Stage}; failed it and removed its partial blobs",
                record.Name, record.Version, record.Progress.Stage);
            swept++;
        }
        return swept;
    }
}
