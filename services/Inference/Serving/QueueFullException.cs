namespace Platform.Inference.Serving;

/// <summary>The queue is full: the caller answers 429 and the client retries.</summary>
public sealed class QueueFullException(string message) : Exception(message);
