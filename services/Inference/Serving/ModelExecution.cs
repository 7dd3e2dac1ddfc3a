namespace Platform.Inference.Serving;

/// <summary>How one model's versions run: batches at once, and the ONNX Runtime intra-op threads of the session they share.</summary>
/// <param name="Background">
/// A version loaded only as a shadow: one batch at a time, one intra-op thread (so ONNX Runtime computes on the calling thread), on a
/// thread of its own at the operating system's idle priority, outside the model's batch budget; it runs on cores the answering
/// versions leave idle (<see cref="IdlePriority"/>).
/// </param>
/// <param name="Spinning">
/// Whether the session's idle intra-op threads spin-wait. A version that answers only as a split's minor share (no alias's primary)
/// does not: its session's spinning threads would take the cores the primary's batches and the HTTP work need.
/// </param>
public sealed record ModelExecution(int ConcurrentBatches, int IntraOpThreads, bool Background = false, bool Spinning = true)
{
    /// <summary>The execution of a version that only shadows: see <see cref="Background"/>.</summary>
    public static ModelExecution Shadow { get; } = new(1, 1, Background: true, Spinning: false);
}
