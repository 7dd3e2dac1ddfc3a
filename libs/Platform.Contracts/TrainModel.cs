namespace Platform.Contracts;

/// <summary>
/// Command: train a model. <paramref name="RunId"/> is the job id; the tracker run, the checkpoints,
/// the trace and the resulting model version all carry it, so a redelivered command resumes the same run.
/// </summary>
/// <param name="TrainingConfigJson">The validated training configuration, exactly as the run recorded it.</param>
public sealed record TrainModel(
    Guid RunId,
    string Experiment,
    string DatasetName,
    int DatasetVersion,
    string ModelName,
    string TrainingConfigJson,
    DateTimeOffset RequestedAt);
