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

/// <summary>Command: stop a run within one batch and record it as cancelled.</summary>
public sealed record CancelTraining(Guid RunId, string Reason, DateTimeOffset RequestedAt);

/// <summary>Event: a run failed for good (invalid configuration or dataset, or retries exhausted).</summary>
public sealed record RunFailed(Guid RunId, string Reason, string? Detail, DateTimeOffset FailedAt);

/// <summary>
/// Event: a run finished and its model package is in blob storage. (ModelName, RunId) identifies the
/// version idempotently: the registry assigns one version per run, however often this arrives.
/// </summary>
public sealed record ModelTrained(
    Guid RunId,
    string ModelName,
    string PackageUri,
    string DatasetName,
    int DatasetVersion,
    IReadOnlyDictionary<string, double> Metrics,
    DateTimeOffset TrainedAt);

/// <summary>Event: an alias (such as <c>production</c>) now points at a model version.</summary>
public sealed record ModelPromoted(
    string ModelName,
    int Version,
    string Alias,
    Guid RunId,
    string PackageUri,
    DateTimeOffset PromotedAt);

/// <summary>Event: a run stopped because it was cancelled; its last checkpoint stays, so it can be resumed.</summary>
public sealed record RunCancelled(Guid RunId, string Reason, DateTimeOffset CancelledAt);
