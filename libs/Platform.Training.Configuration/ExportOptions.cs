namespace Platform.Training.Configuration;

/// <param name="Weights">Which weights become the model: best (by <c>checkpoint.metric</c>), last, or ema.</param>
public sealed record ExportOptions(ExportWeights Weights = ExportWeights.Best);
