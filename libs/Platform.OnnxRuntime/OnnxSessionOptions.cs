namespace Platform.OnnxRuntime;

/// <summary>
/// How <see cref="OnnxSessionFactory"/> makes sessions. The defaults are the inference service's (its <c>Inference</c> settings
/// start from them), so the parity gate, which uses the defaults, checks an export on the sessions serving will run it on; the one
/// exception is <see cref="ThreadPool"/>, which the service sets to <see cref="OnnxThreadPool.Shared"/> (where the threads come
/// from changes no result: each operator computes the same on either pool).
/// </summary>
/// <param name="PreferCuda">Try the CUDA provider first; falls back to the CPU provider when it cannot start.</param>
/// <param name="IntraOpThreads">Threads inside one operator; null = one per core (<see cref="Environment.ProcessorCount"/>). With a
/// shared pool, the size of that pool.</param>
/// <param name="CudaDeviceId">GPU used when CUDA is available.</param>
/// <param name="AllowSpinning">Whether idle intra-op threads busy-wait for work (ONNX Runtime's default): parking and waking
/// them at every operator costs a small model a quarter to a third of its throughput (docs/benchmarks.md); switching it off gives
/// the cores back on a machine shared with other busy processes. With a shared pool it is the pool's setting.</param>
/// <param name="ThreadPool">Per-session pools (the default), or one pool for the process that every session made with
/// <see cref="IntraOpThreads"/> threads shares (the factory creates the process's ONNX Runtime environment with it; see
/// <see cref="OnnxSessionFactory"/>).</param>
public sealed record OnnxSessionOptions(bool PreferCuda = true, int? IntraOpThreads = null, int CudaDeviceId = 0, bool AllowSpinning = true,
    OnnxThreadPool ThreadPool = OnnxThreadPool.PerSession)
{
    public static OnnxSessionOptions Default { get; } = new();

    public int ResolvedIntraOpThreads => IntraOpThreads ?? Environment.ProcessorCount;
}
