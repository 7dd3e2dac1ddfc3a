using Microsoft.ML.OnnxRuntime;

namespace Platform.OnnxRuntime;

/// <summary>
/// Makes every ONNX Runtime session of the platform, for the parity gate and for serving, so the gate checks an export on the
/// sessions serving runs. The provider is chosen once, when the factory is made: CUDA when preferred and its libraries load
/// (appending the provider throws where the CUDA 13 libraries are absent), otherwise the CPU provider, with the reason kept in
/// <see cref="FallbackReason"/>. A CUDA session that still cannot start (no usable GPU although the libraries load) is made on the
/// CPU instead, and so is every later session: the reason is kept on the session and on the factory.
/// With <see cref="OnnxThreadPool.Shared"/> the factory first creates the process's ONNX Runtime environment with one intra-op pool
/// of <see cref="OnnxSessionOptions.IntraOpThreads"/> threads (so it must be made before anything else in the process uses ONNX
/// Runtime), and its sessions run on that pool unless a caller asks for a pool of their own (another thread count, or work that
/// must stay on the calling thread).
/// </summary>
public sealed class OnnxSessionFactory
{
    /// <summary>The session config entry that stops idle intra-op threads from spin-waiting (ONNX Runtime's name).</summary>
    internal const string AllowSpinningEntry = "session.intra_op.allow_spinning";

    // Replaced whole, never mutated, so concurrent Create calls read a consistent provider and reason without a lock.
    private volatile ProviderChoice choice;

    public OnnxSessionFactory(OnnxSessionOptions? options = null)
    {
        Options = options ?? OnnxSessionOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.IntraOpThreads ?? 1, 1, nameof(OnnxSessionOptions.IntraOpThreads));
        if (Options.ThreadPool == OnnxThreadPool.Shared)
        {
            // Before the CUDA probe: its SessionOptions would create the environment, without the pool.
            SharedThreadPoolEnvironment.Ensure(Options.ResolvedIntraOpThreads, Options.AllowSpinning);
        }
        choice = Options.PreferCuda ? ProbeCuda(Options.CudaDeviceId) : new ProviderChoice(ExecutionProvider.Cpu, null);
    }

    public OnnxSessionOptions Options { get; }

    /// <summary>The provider new sessions are made on.</summary>
    public ExecutionProvider Provider => choice.Provider;

    /// <summary>Why CUDA is not used although it was preferred; null when CUDA runs or was not asked for.</summary>
    public string? FallbackReason => choice.FallbackReason;

    public static string RuntimeVersion => OrtEnv.Instance().GetVersionString();

    public OnnxSession Create(string modelPath, int? intraOpThreads = null) => Create(File.ReadAllBytes(modelPath), intraOpThreads);

    /// <param name="intraOpThreads">This session's intra-op threads (a per-model override); null = <see cref="Options"/>'.</param>
    /// <param name="allowSpinning">Whether this session's idle intra-op threads spin (serving turns it off for a split's minor shares); null = <see cref="Options"/>'.
    /// A session on the shared pool spins as the pool does.</param>
    /// <param name="threadPool">Where its threads come from; null = <see cref="Options"/>'. <see cref="OnnxThreadPool.Shared"/> needs a
    /// factory made with it, and a session on it has the pool's threads.</param>
    public OnnxSession Create(byte[] model, int? intraOpThreads = null, bool? allowSpinning = null, OnnxThreadPool? threadPool = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(intraOpThreads ?? 1, 1, nameof(intraOpThreads));
        var threads = intraOpThreads ?? Options.ResolvedIntraOpThreads;
        var pool = threadPool ?? Options.ThreadPool;
        if (pool == OnnxThreadPool.Shared && Options.ThreadPool != OnnxThreadPool.Shared)
        {
            throw new InvalidOperationException("A session on the shared thread pool needs a factory made with ThreadPool = Shared, which creates the pool.");
        }
        if (pool == OnnxThreadPool.Shared && threads != Options.ResolvedIntraOpThreads)
        {
            throw new ArgumentException($"A session on the shared thread pool has its {Options.ResolvedIntraOpThreads} thread(s), not {threads}; ask for a per-session pool.", nameof(intraOpThreads));
        }
        var current = choice;
        string? cudaFailure = null;
        if (current.Provider == ExecutionProvider.Cuda)
        {
            try
            {
                using var cudaOptions = CreateSessionOptions(ExecutionProvider.Cuda, threads, allowSpinning, pool);
                return Wrap(new InferenceSession(model, cudaOptions), ExecutionProvider.Cuda, null, threads, pool);
            }
            catch (Exception exception) when (IsProviderFailure(exception))
            {
                cudaFailure = Unavailable(exception);
            }
        }

        using var cpuOptions = CreateSessionOptions(ExecutionProvider.Cpu, threads, allowSpinning, pool);
        var session = new InferenceSession(model, cpuOptions);
        if (cudaFailure is not null)
        {
            // Only now that the model runs on the CPU is the failure CUDA's and not the model's: later sessions skip CUDA.
            choice = new ProviderChoice(ExecutionProvider.Cpu, cudaFailure);
        }

        return Wrap(session, ExecutionProvider.Cpu, cudaFailure ?? current.FallbackReason, threads, pool);
    }

    /// <summary>
    /// The options every session gets: all graph optimisations, sequential execution with one inter-op thread (a caller that wants
    /// batches to overlap runs them concurrently on one session; the parallelism lives inside the operators), the intra-op threads,
    /// spinning as configured, and the provider. On the shared pool the session has no threads of its own
    /// (<see cref="SessionOptions.DisablePerSessionThreads"/>): the environment's pool, sized and spinning as the factory's options
    /// say, runs its operators.
    /// </summary>
    internal SessionOptions CreateSessionOptions(ExecutionProvider provider, int intraOpThreads, bool? allowSpinning = null,
        OnnxThreadPool threadPool = OnnxThreadPool.PerSession)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
        };
        try
        {
            if (threadPool == OnnxThreadPool.Shared)
            {
                sessionOptions.DisablePerSessionThreads();
            }
            else
            {
                foreach (var (key, value) in ConfigEntries(allowSpinning is { } spin ? Options with { AllowSpinning = spin } : Options))
                {
                    sessionOptions.AddSessionConfigEntry(key, value);
                }
            }

            if (provider == ExecutionProvider.Cuda)
            {
                sessionOptions.AppendExecutionProvider_CUDA(Options.CudaDeviceId);
            }

            return sessionOptions;
        }
        catch
        {
            sessionOptions.Dispose();
            throw;
        }
    }

    /// <summary>The session config entries <paramref name="options"/> call for (SessionOptions cannot be read back).</summary>
    internal static IReadOnlyDictionary<string, string> ConfigEntries(OnnxSessionOptions options) =>
        options.AllowSpinning ? new Dictionary<string, string>() : new Dictionary<string, string> { [AllowSpinningEntry] = "0" };

    private static ProviderChoice ProbeCuda(int deviceId)
    {
        try
        {
            using var probe = new SessionOptions();
            probe.AppendExecutionProvider_CUDA(deviceId);
            return new ProviderChoice(ExecutionProvider.Cuda, null);
        }
        catch (Exception exception) when (IsProviderFailure(exception))
        {
            return new ProviderChoice(ExecutionProvider.Cpu, Unavailable(exception));
        }
    }

    private static OnnxSession Wrap(InferenceSession session, ExecutionProvider provider, string? fallbackReason, int intraOpThreads, OnnxThreadPool threadPool)
    {
        try
        {
            return new OnnxSession(session, provider, fallbackReason, intraOpThreads, threadPool);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    private static bool IsProviderFailure(Exception exception) =>
        exception is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException;

    private static string Unavailable(Exception exception) =>
        $"CUDA execution provider unavailable ({exception.GetType().Name}: {exception.Message.Split('\n', 2)[0].Trim()}); using the CPU provider.";

    private sealed record ProviderChoice(ExecutionProvider Provider, string? FallbackReason);
}
