using Platform.OnnxRuntime;

namespace Platform.Inference.Serving;

/// <summary>How one model's versions run: batches at once, and the ONNX Runtime intra-op threads of the session they share.</summary>
/// <param name="Background">
/// A version loaded only as a shadow: one batch at a time, one intra-op thread (so ONNX Runtime computes on the calling thread), its
/// ONNX Runtime calls on a thread of their own at the operating system's idle priority (<see cref="IdleThread"/>), outside the
/// model's batch budget; it runs on cores the answering versions leave idle.
/// </param>
/// <param name="Spinning">
/// Whether the session's idle intra-op threads spin-wait. A version that answers only as a split's minor share (no alias's primary)
/// does not: its session's spinning threads would take the cores the primary's batches and the HTTP work need. On the shared pool
/// it is the pool's setting, the same for every version.
/// </param>
/// <param name="ThreadPool">
/// Whether the session runs on the service's shared intra-op pool (<see cref="InferenceOptions.ThreadPool"/>: every answering version
/// of every model with the service's thread count) or on a pool of its own (a model with its own thread count, a background version).
/// </param>
public sealed record ModelExecution(int ConcurrentBatches, int IntraOpThreads, bool Background = false, bool Spinning = true,
    OnnxThreadPool ThreadPool = OnnxThreadPool.PerSession)
{
    /// <summary>
    /// The execution of a version that only shadows: see <see cref="Background"/>. Never on the shared pool: its operators would be
    /// handed to the pool's threads, which run at normal priority and are the ones the answering versions' batches wait for.
    /// </summary>
    public static ModelExecution Shadow { get; } = new(1, 1, Background: true, Spinning: false);
}
