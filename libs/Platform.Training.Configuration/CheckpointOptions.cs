namespace Platform.Training.Configuration;

/// <param name="KeepLast">Epoch checkpoints kept besides the best one (older ones are deleted).</param>
/// <param name="Metric">Validation metric that decides the best checkpoint.</param>
public sealed record CheckpointOptions(int KeepLast = 2, MonitoredMetric Metric = MonitoredMetric.ValAccuracy);
