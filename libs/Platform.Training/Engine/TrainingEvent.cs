namespace Platform.Training.Engine;

/// <summary>A progress event of a run, for telemetry, logs and live views.</summary>
public abstract record TrainingEvent
{
    public DateTimeOffset Timestamp { get; init; } = DateTimeOffset.UtcNow;
}
