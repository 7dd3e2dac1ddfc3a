namespace Platform.Training.Configuration;

/// <param name="Kind">Shape of the learning-rate curve after warm-up.</param>
/// <param name="WarmupEpochs">Linear warm-up length in epochs (ignored when WarmupSteps &gt; 0).</param>
/// <param name="WarmupSteps">Linear warm-up length in optimizer steps; takes precedence over WarmupEpochs.</param>
/// <param name="EtaMin">Cosine: the learning rate reached at the last step (for the head group; other groups scale).</param>
/// <param name="StepSize">Step: epochs between decays.</param>
/// <param name="Gamma">Step: multiplicative decay.</param>
/// <param name="TMax">Cosine: PyTorch CosineAnnealingLR's T_max in epochs, stepped once per epoch; null anneals over the run.</param>
public sealed record ScheduleOptions(
    ScheduleKind Kind = ScheduleKind.Cosine,
    int WarmupEpochs = 0,
    int WarmupSteps = 0,
    double EtaMin = 0,
    int StepSize = 10,
    double Gamma = 0.1,
    int? TMax = null);
