namespace Platform.Training.Engine;

public sealed record EpochCompleted(EpochMetrics Metrics) : TrainingEvent;
