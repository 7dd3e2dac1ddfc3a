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
    int StartEpoch) : TrainingEvent;
