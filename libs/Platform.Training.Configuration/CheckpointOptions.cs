namespace Platform.Training.Configuration;

/// <param name="KeepLast">Epoch checkpoints kept besides the best one (older ones are deleted).</param>
/// <param name="Metric">Validation metric that decides the best checkpoint.</param>
/// <param name="EverySteps">Optimizer steps between mid-epoch checkpoints (only the newest is kept, and the epoch's own checkpoint
/// replaces it); null or 0 = checkpoints at epoch ends only. A run resumed from one continues its epoch at the next unseen sample.</param>
public sealed record CheckpointOptions(int KeepLast = 2, MonitoredMetric Metric = MonitoredMetric.ValAccuracy, int? EverySteps = null)
{
    /// <summary>The interval in effect: null when mid-epoch checkpoints are off.</summary>
    public int? MidEpochInterval => EverySteps is > 0 ? EverySteps : null;
}
