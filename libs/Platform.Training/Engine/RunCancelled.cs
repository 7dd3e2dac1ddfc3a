namespace Platform.Training.Engine;

/// <param name="Epoch">1-based epoch that was running.</param>
public sealed record RunCancelled(int Epoch, long Step) : TrainingEvent;
