using Azure;

namespace Platform.Trainer.Storage;

/// <summary>
/// Rides out blob storage being unreachable (Trainer:StorageOutageTolerance): a run that cannot write its checkpoint,
/// renew its lease or publish its package waits and tries again rather than fail, so an outage of a minute costs the
/// run a minute, not its progress. The Azure SDK's own retries (about 12 s) come first; this is what happens after them.
/// Answers that will not change by waiting (404, 409, 412, a 4xx) are not outages and are thrown at once.
/// </summary>
public sealed class StorageOutage(TimeSpan tolerance, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(5);

    public TimeSpan Tolerance => tolerance;

    /// <summary>True for the failures waiting can cure: no connection, a timeout, a 5xx (the SDK wraps its last tries in an AggregateException).</summary>
    public static bool IsOutage(Exception exception) => exception switch
    {
        RequestFailedException failed => failed.Status is 0 or 408 or 429 or >= 500,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsOutage),
        HttpRequestException or TimeoutException or IOException => true,
        _ => false,
    };

    public async Task<T> WaitOutAsync<T>(string what, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var pause = FirstPause;
        var warned = false;
        while (true)
        {
            try
            {
                var result = await operation(cancellationToken);
                if (warned)
                {
                    logger.LogInformation("Blob storage is reachable again after {Seconds:F0} s; {What} succeeded", (time.GetUtcNow() - started).TotalSeconds, what);
                }
                return result;
            }
            catch (Exception exception) when (IsOutage(exception) && time.GetUtcNow() - started < tolerance)
            {
                if (!warned)
                {
                    logger.LogWarning("Blob storage cannot be reached ({Error}); {What} waits and retries for up to {Tolerance}",
                        exception.Message.Split('\n')[0], what, tolerance);
                    warned = true;
                }
                await Task.Delay(pause, time, cancellationToken);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LongestPause.Ticks));
            }
        }
    }

    public Task WaitOutAsync(string what, Func<CancellationToken, Task> operation, CancellationToken cancellationToken) =>
        WaitOutAsync<bool>(what, async token => { await operation(token); return true; }, cancellationToken);

    /// <summary>For the training thread, which blocks anyway: the checkpoint is written between steps.</summary>
    public void WaitOut(string what, Action operation, CancellationToken cancellationToken) =>
        WaitOutAsync<bool>(what, _ => { operation(); return Task.FromResult(true); }, cancellationToken).GetAwaiter().GetResult();
}
