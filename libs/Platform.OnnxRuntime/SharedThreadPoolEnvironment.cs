using Microsoft.ML.OnnxRuntime;

namespace Platform.OnnxRuntime;

/// <summary>
/// The process's ONNX Runtime environment created with a global intra-op thread pool (ONNX Runtime's
/// <c>CreateEnvWithGlobalThreadPools</c>; the C# API's <see cref="OrtEnv.CreateInstanceWithOptions"/> with
/// <see cref="OrtThreadingOptions"/>), which sessions made with <see cref="SessionOptions.DisablePerSessionThreads"/> run on. The
/// environment is a process-wide singleton that can be created only once and before anything else touches ONNX Runtime, so the
/// pool is fixed for the life of the process: asking again for the same pool is fine, asking for another one, or for one after
/// the environment was created without a pool, is refused with the reason.
/// </summary>
internal static class SharedThreadPoolEnvironment
{
    private static readonly Lock Gate = new();
    private static (int Threads, bool Spinning)? created;

    /// <summary>Creates the environment with a pool of <paramref name="threads"/> intra-op threads unless it has that pool already.</summary>
    public static void Ensure(int threads, bool spinning)
    {
        lock (Gate)
        {
            if (created is { } pool)
            {
                if (pool != (threads, spinning))
                {
                    throw new InvalidOperationException($"This process's ONNX Runtime environment already has a shared thread pool of {pool.Threads} thread(s) "
                        + $"({(pool.Spinning ? "spinning" : "not spinning")}); another of {threads} ({(spinning ? "spinning" : "not spinning")}) cannot be made.");
                }
                return;
            }
            if (OrtEnv.IsCreated)
            {
                throw new InvalidOperationException("ONNX Runtime's environment was created without a shared thread pool before the session factory could create it "
                    + "with one: make the shared-pool factory before any other ONNX Runtime use in the process, or use per-session pools.");
            }
            // Inter-op 1: sessions execute sequentially (the parallelism lives inside the operators), so no inter-op pool is made.
            using var threading = new OrtThreadingOptions
            {
                GlobalIntraOpNumThreads = threads,
                GlobalInterOpNumThreads = 1,
                GlobalSpinControl = spinning,
            };
            var environment = new EnvironmentCreationOptions { threadOptions = threading };
            OrtEnv.CreateInstanceWithOptions(ref environment);
            created = (threads, spinning);
        }
    }
}
