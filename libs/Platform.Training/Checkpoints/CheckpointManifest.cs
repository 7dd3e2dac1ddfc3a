using Platform.Training.Configuration;
using Platform.Training.Doctor;
using Platform.Training.Engine;
using Platform.Training.Precision;

namespace Platform.Training.Checkpoints;

/// <summary>
/// Everything besides tensors that a resumed run needs, stored as <c>manifest.json</c> in a checkpoint.
/// The learning-rate schedule is a function of <see cref="Step"/>; the sampler order and augmentation of an epoch
/// are functions of (config seed, epoch); the torch RNG is re-seeded from (seed, epoch) at every epoch start. So
/// epoch and step restore the schedule, sampler and RNG exactly. <see cref="EmaUpdates"/> is the EMA's update count
/// (null without EMA); <see cref="BestWeights"/> says whether the best metric so far came from the raw or the EMA
/// weights (the <c>best</c> checkpoint's model holds those weights). Format 2 adds <see cref="PartialEpoch"/> (mid-epoch
/// checkpoints) and <see cref="Doctor"/>; format 1 manifests still read (both null).
/// </summary>
public sealed record CheckpointManifest(
    int FormatVersion,
    TrainingConfig Config,
    IReadOnlyList<string> Classes,
    int EpochsCompleted,
    long Step,
    double LearningRate,
    MetricProgress Best,
    MetricProgress? EarlyStopping,
    LossScalerState? LossScaler,
    IReadOnlyList<EpochMetrics> History,
    DateTimeOffset SavedAt,
    long? EmaUpdates = null,
    WeightsSource BestWeights = WeightsSource.Raw)
{
    public const int CurrentFormatVersion = 2;

    /// <summary>The oldest format this code reads: version 1 has no partial epoch and no doctor state, which then start empty.</summary>
    public const int OldestReadableFormatVersion = 1;

    /// <summary>Images per forward pass over every replica when saved (devices × batchSize); null in checkpoints written before data parallelism (then batchSize).</summary>
    public int? GlobalBatchSize { get; init; }

    /// <summary>The replicas' devices when saved; null before data parallelism.</summary>
    public IReadOnlyList<string>? Devices { get; init; }

    /// <summary>The schedule's position when saved: <see cref="Step"/> unless a resume changed the global batch; null = Step.</summary>
    public long? ScheduleStep { get; init; }

    /// <summary>Set in a mid-epoch checkpoint: the epoch in progress (<see cref="EpochsCompleted"/> + 1) and its totals so far; null at an epoch's end.</summary>
    public PartialEpoch? PartialEpoch { get; init; }

    /// <summary>The training doctor's memory of the run's steps and findings; null without the doctor or before format 2.</summary>
    public DoctorState? Doctor { get; init; }
}
