using Microsoft.ML.OnnxRuntime;

namespace Platform.Export.Runtime;

public enum ExecutionProvider
{
    Cpu,
    Cuda,
}

/// <param name="PreferCuda">Try the CUDA provider first; falls back to the CPU provider when it cannot start.</param>
/// <param name="IntraOpThreads">Threads inside one operator; null = ONNX Runtime's default (one per core).</param>
/// <param name="CudaDeviceId">GPU used when CUDA is available.</param>
/// <param name="AllowSpinning">Whether idle intra-op threads busy-wait for work (ONNX Runtime's default); switching it
/// off gives the cores back on a machine shared with other busy processes.</param>
public sealed record OnnxSessionOptions(bool PreferCuda = true, int? IntraOpThreads = null, int CudaDeviceId = 0, bool AllowSpinning = true);

/// <summary>
/// An ONNX Runtime session for an exported classifier plus the execution provider that actually runs it. Created by
/// <see cref="Create(byte[], OnnxSessionOptions?)"/>, which tries CUDA first (appending the CUDA provider throws where
/// the CUDA 13 libraries are absent) and falls back to the CPU provider, recording why in <see cref="FallbackReason"/>.
/// </summary>
public sealed class OnnxSession : IDisposable
{
    private readonly InferenceSession session;

    private OnnxSession(InferenceSession session, ExecutionProvider provider, string? fallbackReason)
    {
        this.session = session;
        Provider = provider;
        FallbackReason = fallbackReason;
        InputName = session.InputMetadata.Keys.Single();
        OutputName = session.OutputMetadata.Keys.First();
    }

    public ExecutionProvider Provider { get; }

    /// <summary>Why CUDA was not used although it was preferred; null when CUDA runs or was not asked for.</summary>
    public string? FallbackReason { get; }

    public string InputName { get; }

    public string OutputName { get; }

    /// <summary>The model's metadata properties (see <see cref="Onnx.OnnxModelMetadata"/>).</summary>
    public IReadOnlyDictionary<string, string> MetadataProperties => session.ModelMetadata.CustomMetadataMap;

    public static OnnxSession Create(string modelPath, OnnxSessionOptions? options = null) =>
        Create(File.ReadAllBytes(modelPath), options);

    public static OnnxSession Create(byte[] model, OnnxSessionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new OnnxSessionOptions();
        string? fallbackReason = null;
        if (options.PreferCuda)
        {
            var cudaOptions = BaseOptions(options);
            try
            {
                cudaOptions.AppendExecutionProvider_CUDA(options.CudaDeviceId);
                return new OnnxSession(new InferenceSession(model, cudaOptions), ExecutionProvider.Cuda, null);
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
            {
                fallbackReason = $"CUDA execution provider unavailable ({ex.GetType().Name}: {FirstLine(ex.Message)}); using the CPU provider.";
            }
            finally
            {
                cudaOptions.Dispose();
            }
        }

        using var cpuOptions = BaseOptions(options);
        return new OnnxSession(new InferenceSession(model, cpuOptions), ExecutionProvider.Cpu, fallbackReason);
    }

    /// <summary>Runs one NCHW float batch and returns the output values with their shape.</summary>
    public (float[] Values, long[] Shape) Run(float[] input, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(shape);
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [InputName], [value], [OutputName]);
        var output = outputs[0];
        return (output.GetTensorDataAsSpan<float>().ToArray(), output.GetTensorTypeAndShape().Shape);
    }

    public void Dispose() => session.Dispose();

    private static SessionOptions BaseOptions(OnnxSessionOptions options)
    {
        var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (options.IntraOpThreads is { } threads)
        {
            sessionOptions.IntraOpNumThreads = threads;
            sessionOptions.InterOpNumThreads = 1;
        }

        if (!options.AllowSpinning)
        {
            sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
        }

        return sessionOptions;
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();
}
