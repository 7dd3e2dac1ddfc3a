namespace Platform.Tracker.Runs;

/// <summary>
/// Fills <see cref="RunSummaryCache"/> once at start, in the background, so the first runs-table query of a fresh tracker
/// does not read every run (seconds for ten thousand runs); a failure only leaves that work to the first query.
/// </summary>
public sealed class RunSummaryWarmup(RunSummaryCache summaries, ILogger<RunSummaryWarmup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.Yield();
            var runs = await summaries.ListAsync(experiment: null).WaitAsync(stoppingToken);
            logger.LogInformation("Run summaries cached: {Runs} runs", runs.Count);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Could not cache the run summaries at start; the first runs-table query reads them");
        }
        catch (OperationCanceledException)
        {
        }
    }
}
