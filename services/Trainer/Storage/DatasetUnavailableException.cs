namespace Platform.Trainer.Storage;

/// <summary>The dataset version is missing, unpublished or damaged: the run cannot succeed by retrying.</summary>
public sealed class DatasetUnavailableException(string message) : Exception(message);
