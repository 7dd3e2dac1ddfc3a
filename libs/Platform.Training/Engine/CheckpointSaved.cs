namespace Platform.Training.Engine;

/// <param name="Name">Name of the checkpoint in its store.</param>
/// <param name="Epoch">The 1-based epoch it ends, or for a mid-epoch checkpoint the epoch in progress.</param>
public sealed record CheckpointSaved(string Name, int Epoch, bool IsBest) : TrainingEvent
{
    /// <summary>For a mid-epoch checkpoint (<c>checkpoint.everySteps</c>), the samples of the epoch trained on so far; null at an epoch's end.</summary>
    public int? SamplesInEpoch { get; init; }
}
