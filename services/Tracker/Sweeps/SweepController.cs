using Microsoft.Extensions.Options;

namespace Platform.Tracker.Sweeps;

/// <summary>
/// Drives the active sweeps: every <see cref="SweepOptions.PollInterval"/> each one whose Redis lease this replica holds (or takes, once
/// a crashed holder's lease expired) gets a <see cref="SweepDriver"/> pass. Its state is all in Redis, so a restarted tracker goes on
/// where the last pass left off.
/// </summary>
public sealed class SweepController(SweepStore sweeps, SweepDriver driver, IOptions<SweepOptions> options, ILogger<SweepController> logger) : BackgroundService
{
    /// <summary>This replica, as the leases name it.</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval);
        try
        {
            do
            {
                try
                {
                    foreach (var id in await sweeps.ActiveAsync())
                    {
                        if (await sweeps.TryHoldLeaseAsync(id, Owner, options.Value.LeaseDuration))
                        {
                            await driver.StepAsync(id, stoppingToken);
                        }
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Redis, the broker or storage away for a moment: the next pass does the same work again.
                    logger.LogWarning(exception, "A sweep pass failed; the next one retries");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
