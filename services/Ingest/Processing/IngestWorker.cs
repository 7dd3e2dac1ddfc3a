using MassTransit;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Ingest.Datasets;
using Platform.Ingest.Sources;
using Platform.Contracts.Datasets;

namespace Platform.Ingest.Processing;

/// <summary>
/// Processes received uploads one at a time, records progress, publishes <see cref="DatasetPublished"/>, and
/// keeps the heartbeat of every version this instance owns. A failed ingest leaves a failed record with its
/// reason and report, and none of its blobs.
/// </summary>
public sealed class IngestWorker(
    IngestQueue queue,
    IngestPipeline pipeline,
    DatasetStore store,
    IServiceScopeFactory scopes,
    IOptions<IngestOptions> options,
    TimeProvider time,
    ILogger<IngestWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var heartbeat = HeartbeatAsync(stoppingToken);
        try
        {
            await foreach (var job in queue.Reader.ReadAllAsync(stoppingToken))
            {
                queue.Dequeued();
                try
                {
                    await ProcessAsync(job, stoppingToken);
                }
                finally
                {
                    queue.Release(job.Name, job.Version);
                    TryDeleteFolder(job.WorkFolder);
                }
            }
        }
        finally
        {
            try
            {
                await heartbeat;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task ProcessAsync(IngestJob job, CancellationToken stoppingToken)
    {
        var progress = queue.Own(job.Name, job.Version);
        var record = await store.GetAsync(job.Name, job.Version, stoppingToken)
            ?? throw new InvalidOperationException($"Dataset {job.Name} v{job.Version} has no record.");
        record = record with { State = DatasetVersionState.Processing, HeartbeatAt = time.GetUtcNow() };
        await store.SaveAsync(record, stoppingToken);
        logger.LogInformation("Ingesting {Dataset} v{Version}: {Source}", job.Name, job.Version, record.SourceDescription);
        try
        {
            using var source = job.OpenSource();
            var result = await pipeline.RunAsync(record, source, job.Uploads, progress, stoppingToken);
            progress.Stage = "done";
            await store.SaveAsync(record with
            {
                State = DatasetVersionState.Published,
                Progress = progress.Snapshot(),
                Report = result.Report,
                ManifestUri = result.ManifestUri.ToString(),
                HeartbeatAt = time.GetUtcNow(),
            }, CancellationToken.None);
            using var scope = scopes.CreateScope();
            await scope.ServiceProvider.GetRequiredService<IPublishEndpoint>().Publish(new DatasetPublished(
                job.Name, job.Version, result.ManifestUri.ToString(), result.Manifest.Classes,
                result.Manifest.Split("train")?.Samples ?? 0, result.Manifest.Split("val")?.Samples ?? 0, result.Manifest.Split("test")?.Samples ?? 0,
                time.GetUtcNow()), CancellationToken.None);
            logger.LogInformation("Published {Dataset} v{Version}: {Accepted} accepted, {Rejected} rejected",
                job.Name, job.Version, progress.Snapshot().Accepted, progress.Snapshot().Rejected);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await FailAsync(record, progress, "interrupted: the ingest service stopped while processing; upload again", null);
            throw;
        }
        catch (NothingToPublishException exception)
        {
            await FailAsync(record, progress, exception.Message, exception.Report);
        }
        catch (UploadRejectedException exception)
        {
            await FailAsync(record, progress, $"{exception.Reason}: {exception.Message}", null);
        }
        catch (Exception exception) when (exception is Azure.RequestFailedException or AggregateException or HttpRequestException)
        {
            logger.LogError(exception, "Ingest of {Dataset} v{Version} failed: blob storage", job.Name, job.Version);
            await TryFailAsync(record, progress, "storage-unavailable: blob storage failed while the version was written; nothing of it is kept. Upload again.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The exception's text stays in the log: it can name the server's files (the work folder, a library's path).
            logger.LogError(exception, "Ingest of {Dataset} v{Version} failed", job.Name, job.Version);
            await TryFailAsync(record, progress,
                $"internal error: the ingest service failed unexpectedly ({exception.GetType().Name}); its log holds the details. Upload again, or report it.");
        }
    }

    /// <summary>
    /// Records the failure when storage lets it; when storage itself is what failed, the version stays unfinished without a
    /// heartbeat and the sweeper (of any instance) fails it and removes its blobs once storage is back: never a partial version.
    /// </summary>
    private async Task TryFailAsync(DatasetVersionRecord record, IngestProgressCounter progress, string error)
    {
        try
        {
            await FailAsync(record, progress, error, null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogError(exception, "Ingest of {Dataset} v{Version}: the failure could not be recorded; the sweeper will", record.Name, record.Version);
        }
    }

    private async Task FailAsync(DatasetVersionRecord record, IngestProgressCounter progress, string error, IngestReport? report)
    {
        progress.Stage = "failed";
        error = ServerPaths.Redact(error, options.Value);
        await store.DeleteContentAsync(record.Name, record.Version, CancellationToken.None);
        await store.SaveAsync(record with
        {
            State = DatasetVersionState.Failed,
            Error = error,
            Report = report,
            Progress = progress.Snapshot(),
            HeartbeatAt = time.GetUtcNow(),
        }, CancellationToken.None);
        logger.LogWarning("Ingest of {Dataset} v{Version} failed: {Error}", record.Name, record.Version, error);
    }

    private async Task HeartbeatAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var (name, version, progress) in queue.Owned)
            {
                try
                {
                    if (await store.GetWithETagAsync(name, version, stoppingToken) is ({ State: not (DatasetVersionState.Published or DatasetVersionState.Failed) } record, var etag))
                    {
                        await store.TrySaveIfUnchangedAsync(record with { Progress = progress.Snapshot(), HeartbeatAt = time.GetUtcNow() }, etag, stoppingToken);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    logger.LogWarning(exception, "Heartbeat of {Dataset} v{Version} failed; retrying at the next tick", name, version);
                }
            }
        }
    }

    private static void TryDeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
