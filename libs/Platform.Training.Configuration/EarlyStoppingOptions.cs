namespace Platform.Training.Configuration;

/// <param name="Metric">Validation metric watched (valLoss: lower is better; valAccuracy: higher is better).</param>
/// <param name="Patience">Epochs without an improvement larger than MinDelta before training stops.</param>
/// <param name="MinDelta">Smallest change that counts as an improvement.</param>
public sealed record EarlyStoppingOptions(MonitoredMetric Metric = MonitoredMetric.ValLoss, int Patience = 5, double MinDelta = 0);
