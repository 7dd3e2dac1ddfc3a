using System.Net;
using System.Net.Http.Headers;

namespace Platform.Trainer.Telemetry;

/// <summary>
/// Sends the spooled training telemetry to the tracker's OTLP receiver, oldest first, deleting each batch once the tracker answers
/// 2xx. While the tracker is unreachable (or answers 5xx/429) it retries with a growing pause (up to 10 s); a batch the tracker
/// refuses as malformed (other 4xx) could never succeed and is dropped with an error. Re-sending a batch is harmless: the tracker
/// keys points by (run, metric, step).
/// </summary>
public sealed class TelemetryForwarder(TelemetrySpool spool, Uri tracesEndpoint, TimeProvider time, ILogger<TelemetryForwarder> logger) : BackgroundService
{
    private static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(10);
    private readonly HttpClient client = new(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { Timeout = TimeSpan.FromSeconds(10) };
    private volatile bool trackerReachable = true;

    /// <summary>Waits until every batch saved so far is acknowledged; false when <paramref name="timeout"/> passes first.</summary>
    public async Task<bool> WaitUntilDeliveredAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        while (!spool.IsEmpty)
        {
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return false;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(200, left.TotalMilliseconds)), time, cancellationToken);
        }
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pause = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            var delivered = await DeliverPendingAsync(stoppingToken);
            if (delivered)
            {
                pause = TimeSpan.FromMilliseconds(250);
                await spool.WaitForChangeAsync(TimeSpan.FromSeconds(5), stoppingToken);
            }
            else
            {
                await Task.Delay(pause, time, stoppingToken);
                pause = TimeSpan.FromTicks(Math.Min(MaxPause.Ticks, pause.Ticks * 2));
            }
        }
    }

    /// <summary>Sends every pending batch in order; false when the tracker could not take one (try again later).</summary>
    private async Task<bool> DeliverPendingAsync(CancellationToken stoppingToken)
    {
        foreach (var batch in spool.Pending())
        {
            byte[] body;
            try
            {
                body = await File.ReadAllBytesAsync(batch, stoppingToken);
            }
            catch (FileNotFoundException)
            {
                continue; // acknowledged by another trainer sharing the folder
            }
            HttpStatusCode status;
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
                using var response = await client.PostAsync(tracesEndpoint, content, stoppingToken);
                status = response.StatusCode;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                if (trackerReachable)
                {
                    logger.LogWarning("The tracker cannot be reached ({Error}); training telemetry is kept in {Folder} and re-sent until it is acknowledged",
                        exception.Message, spool.Folder);
                    trackerReachable = false;
                }
                return false;
            }
            if ((int)status is >= 200 and < 300)
            {
                spool.Acknowledge(batch);
                if (!trackerReachable)
                {
                    logger.LogInformation("The tracker is reachable again; sending the training telemetry kept meanwhile");
                    trackerReachable = true;
                }
                continue;
            }
            if ((int)status >= 500 || status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout)
            {
                return false;
            }
            logger.LogError("The tracker refused a training telemetry batch with {Status}; it cannot succeed and is dropped", (int)status);
            spool.Acknowledge(batch);
        }
        return true;
    }

    public override void Dispose()
    {
        client.Dispose();
        base.Dispose();
    }
}
