namespace Platform.Contracts;

/// <summary>
/// Command: train a model. <paramref name="RunId"/> is the job id; the tracker run, the checkpoints,
/// the trace and the resulting model version all carry it, so a redelivered command resumes the same run.
/// </summary>
/// <param name="TrainingConfigJson">The validated training configuration, exactly as the run recorded it.</param>
/// <param name="RungEpochs">For a sweep's trial under early stopping: the epochs after which the trainer waits for the sweep's verdict
/// (<see cref="StorageLayout.RunRungPassed"/> to go on, a <see cref="CancelTraining"/> to be pruned) before it trains the next epoch.</param>
/// <param name="Launch">Which launch of the run this command is: 1 when the run is created, one more at each resume. The trainer
/// puts it on the run's <see cref="RunFailed"/> and <see cref="RunCancelled"/>, so an ending from an earlier launch (a late or
/// redelivered message) cannot end the resumed run.</param>
public sealed record TrainModel(
    Guid RunId,
    string Experiment,
    string DatasetName,
    int DatasetVersion,
    string ModelName,
    string TrainingConfigJson,
    DateTimeOffset RequestedAt,
    IReadOnlyList<int>? RungEpochs = null,
    int Launch = 1);
