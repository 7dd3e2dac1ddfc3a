namespace Platform.Training.Engine;

/// <param name="Name">Name of the checkpoint in its store.</param>
public sealed record CheckpointSaved(string Name, int Epoch, bool IsBest) : TrainingEvent;
