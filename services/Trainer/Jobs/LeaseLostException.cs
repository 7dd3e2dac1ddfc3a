namespace Platform.Trainer.Jobs;

public sealed class LeaseLostException(Guid runId) : Exception($"Another trainer took over run {runId}: its lease was not renewed in time.");
