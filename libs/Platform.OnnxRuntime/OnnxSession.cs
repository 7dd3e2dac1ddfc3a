using Microsoft.ML.OnnxRuntime;

namespace Platform.OnnxRuntime;

/// <summary>
/// An ONNX Runtime session for an exported classifier (one input, logits first among the outputs) and the execution provider that
/// actually runs it. Made by <see cref="OnnxSessionFactory.Create(byte[], int?, bool?, OnnxThreadPool?)"/>; disposing it releases the session.
/// </summary>
public sealed class OnnxSession : IDisposable
{
    internal OnnxSession(InferenceSession session, ExecutionProvider provider, string? fallbackReason, int intraOpThreads, OnnxThreadPool threadPool)
    {
        ThreadPool = threadPool;
        InferenceSession = session;
        Provider = provider;
        FallbackReason = fallbackReason;
        IntraOpThreads = intraOpThreads;
        InputName = session.InputMetadata.Count == 1 && session.OutputMetadata.Count > 0
            ? session.InputMetadata.Keys.Single()
            : throw new ArgumentException($"The model has {session.InputMetadata.Count} inputs and {session.OutputMetadata.Count} outputs; a classifier has one input and its logits as the first output.");
        OutputName = session.OutputMetadata.Keys.First();
    }

    /// <summary>The session itself, for callers that batch and run it their own way (serving).</summary>
    public InferenceSession InferenceSession { get; }

    public ExecutionProvider Provider { get; }

    /// <summary>Why CUDA was not used although it was preferred; null when CUDA runs or was not asked for.</summary>
    public string? FallbackReason { get; }

    /// <summary>The intra-op threads the session was created with (on the shared pool, the pool's).</summary>
    public int IntraOpThreads { get; }

    /// <summary>Whether the session has its own intra-op pool or runs on the process's shared one.</summary>
    public OnnxThreadPool ThreadPool { get; }

    public string InputName { get; }

    public string OutputName { get; }

    /// <summary>The model's metadata properties (what the exporter wrote: architecture, labels, preprocessing).</summary>
    public IReadOnlyDictionary<string, string> MetadataProperties => InferenceSession.ModelMetadata.CustomMetadataMap;

    /// <summary>Runs one NCHW float batch and returns the output values with their shape.</summary>
    public (float[] Values, long[] Shape) Run(float[] input, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(shape);
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape);
        using var runOptions = new RunOptions();
        using var outputs = InferenceSession.Run(runOptions, [InputName], [value], [OutputName]);
        var output = outputs[0];
        return (output.GetTensorDataAsSpan<float>().ToArray(), output.GetTensorTypeAndShape().Shape);
    }

    public void Dispose() => InferenceSession.Dispose();
}
