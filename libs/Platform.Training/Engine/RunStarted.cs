using Platform.Training.Configuration;

namespace Platform.Training.Engine;

/// <param name="Device">Where the model trains, e.g. "cpu" or "cuda".</param>
/// <param name="StartEpoch">1-based epoch the run starts at (above 1 when resuming from a checkpoint).</param>
public sealed record RunStarted(
    string Device,
    int Threads,
    TrainingConfig Config,
    long TotalParameters,
    long TrainableParameters,
    int TrainSamples,
    int ValidationSamples,
    IReadOnlyList<string> Classes,
    int StartEpoch) : TrainingEvent
{
    /// <summary>Each replica's device (<c>cpu</c> once per CPU replica); one entry without data parallelism.</summary>
    public IReadOnlyList<string> Devices { get; init; } = [];

    /// <summary>Images of one forward pass over every replica: devices × batchSize.</summary>
    public int GlobalBatchSize { get; init; }

    /// <summary>The peak learning rate after <c>lrScaling</c> (the configured lr when it is none).</summary>
    public double PeakLearningRate { get; init; }

    /// <summary>When the run resumed from a checkpoint written with another global batch, that batch; null otherwise.</summary>
    public int? ResumedFromGlobalBatchSize { get; init; }

    /// <summary>Samples of the start epoch already trained on when the run resumed from a mid-epoch checkpoint (it continues at the next); 0 otherwise.</summary>
    public int StartSample { get; init; }
}
