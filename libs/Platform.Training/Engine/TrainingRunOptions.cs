using Platform.Training.Checkpoints;
using Platform.Training.Configuration;
using Platform.Training.Models;

namespace Platform.Training.Engine;

/// <summary>Where a run reports and stores things: everything about a run that is not a hyperparameter.</summary>
public sealed record TrainingRunOptions
{
    /// <summary>Checkpoint storage; null trains without checkpoints (and cannot resume).</summary>
    public ICheckpointStore? CheckpointStore { get; init; }

    /// <summary>Continue from the newest epoch checkpoint in <see cref="CheckpointStore"/> when there is one.</summary>
    public bool Resume { get; init; } = true;

    public ITrainingObserver? Observer { get; init; }

    /// <summary>Directory for TensorBoard event files; null writes none.</summary>
    public string? TensorBoardDirectory { get; init; }

    /// <summary>
    /// Read the loss, accuracy counts and gradient norms from the device after every step, as the engine did before it
    /// kept them there (one wait for the device per step). Off by default; the benchmarks switch it on to measure what
    /// the wait costs. Results are the same either way.
    /// </summary>
    public bool SynchroniseEveryStep { get; init; }

    /// <summary>Builds the model for (config, number of classes); null uses <see cref="ModelRegistry.Create"/>.</summary>
    public Func<TrainingConfig, int, ImageClassifier>? ModelFactory { get; init; }
}
