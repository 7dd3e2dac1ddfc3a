using Platform.Training.Configuration;

namespace Platform.Training.Checkpoints;

/// <summary>Tracks the best value of a validation metric and how long ago it improved.</summary>
public sealed record MetricProgress(MonitoredMetric Metric, double? Best, int BestEpoch, int EpochsWithoutImprovement);
