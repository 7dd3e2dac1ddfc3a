namespace Platform.Contracts.Sweeps;

/// <summary>What a sweep optimises: a metric the trials record (<c>val_accuracy</c>, <c>val_loss</c>), and <c>maximize</c> or <c>minimize</c>.</summary>
public sealed record SweepObjective(string? Metric, string? Goal);
