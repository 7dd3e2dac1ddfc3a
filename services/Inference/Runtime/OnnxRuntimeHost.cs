using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Platform.Inference.Serving;
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace Platform.Inference.Runtime;

public enum ExecutionProvider
{
    Cpu,
    Cuda,
}

/// <summary>
/// Chooses the execution provider once, at start: CUDA when preferred and its libraries load (appending the provider throws where
/// they are absent), otherwise the CPU provider, with the reason kept for the status endpoint. Every session is created with that choice.
/// </summary>
public sealed class OnnxRuntimeHost
{
    private readonly InferenceOptions options;

    public OnnxRuntimeHost(IOptions<InferenceOptions> options, ILogger<OnnxRuntimeHost> logger)
    {
        this.options = options.Value;
        Provider = ExecutionProvider.Cpu;
        if (this.options.PreferCuda)
        {
            try
            {
                using var probe = new SessionOptions();
                probe.AppendExecutionProvider_CUDA(this.options.CudaDeviceId);
                Provider = ExecutionProvider.Cuda;
            }
            catch (Exception exception) when (exception is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
            {
                FallbackReason = $"CUDA execution provider unavailable ({exception.GetType().Name}: {exception.Message.Split('\n', 2)[0].Trim()}); using the CPU provider.";
            }
        }
        logger.LogInformation("ONNX Runtime {Version}: {Provider} provider, {Threads} intra-op threads. {Reason}",
            OrtEnv.Instance().GetVersionString(), Provider, this.options.ResolvedIntraOpThreads, FallbackReason);
    }

    public ExecutionProvider Provider { get; }

    /// <summary>Why CUDA is not used although it was preferred; null otherwise.</summary>
    public string? FallbackReason { get; }

    public int IntraOpThreads => options.ResolvedIntraOpThreads;

    public static string RuntimeVersion => OrtEnv.Instance().GetVersionString();

    public InferenceSession CreateSession(byte[] model, int intraOpThreads)
    {
        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            // Batches of one session run concurrently only when ConcurrentBatches says so; the rest of the parallelism lives inside the operators.
            IntraOpNumThreads = intraOpThreads,
            InterOpNumThreads = 1,
        };
        if (!options.AllowSpinning)
        {
            sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        }
        if (Provider == ExecutionProvider.Cuda)
        {
            sessionOptions.AppendExecutionProvider_CUDA(options.CudaDeviceId);
        }
        return new InferenceSession(model, sessionOptions);
    }
}
