namespace Platform.Inference.Serving;

/// <summary>How one model's versions run: batches at once, and the ONNX Runtime intra-op threads of the session they share.</summary>
public sealed record ModelExecution(int ConcurrentBatches, int IntraOpThreads);
