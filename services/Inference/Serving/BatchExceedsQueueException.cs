namespace Platform.Inference.Serving;

/// <summary>The request has more images than the queue can ever hold: retrying cannot help, the caller answers 413.</summary>
public sealed class BatchExceedsQueueException(int images, int capacity)
    : Exception($"The request carries {images} images; a model's queue holds {capacity}.")
{
    public int Images { get; } = images;

    public int Capacity { get; } = capacity;
}
