namespace Platform.Trainer.Jobs;

/// <summary>A run that cannot succeed however often it is retried: a bad configuration, dataset or model.</summary>
public sealed class TrainingJobFailedException(string reason, string? detail = null, Exception? inner = null) : Exception(reason, inner)
{
    public string Reason { get; } = reason;

    public string? Detail { get; } = detail;
}
