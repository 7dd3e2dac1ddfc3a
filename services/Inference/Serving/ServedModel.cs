using Platform.Imaging;
using Platform.Imaging.Transforms;

namespace Platform.Inference.Serving;

/// <summary>
/// One loaded model version: its labels, the preprocessing from its package (the training evaluation transform, so the same image
/// gives the same tensor as in training) and its batcher, which owns the ONNX Runtime session.
/// </summary>
public sealed class ServedModel(string name, int version, Guid runId, IReadOnlyList<string> labels, TransformPipeline preprocessing,
    BatchScheduler scheduler, string inputName, string outputName) : IAsyncDisposable
{
    public string Name { get; } = name;

    public int Version { get; } = version;

    public Guid RunId { get; } = runId;

    public IReadOnlyList<string> Labels { get; } = labels;

    public TransformPipeline Preprocessing { get; } = preprocessing;

    public BatchScheduler Scheduler { get; } = scheduler;

    public string InputName { get; } = inputName;

    public string OutputName { get; } = outputName;

    /// <summary>One image's tensor shape without the batch axis: channels, height, width.</summary>
    public long[] ImageShape => [Preprocessing.OutputChannels, Preprocessing.OutputHeight, Preprocessing.OutputWidth];

    /// <summary>Decodes and transforms one encoded image into a CHW tensor. Throws <see cref="ImageRejectedException"/> for bad input.</summary>
    public float[] Preprocess(ReadOnlySpan<byte> encoded, DecodeOptions decodeOptions)
    {
        var image = ImageDecoder.Decode(encoded, decodeOptions with { Channels = Preprocessing.OutputChannels });
        var tensor = new float[Preprocessing.OutputLength];
        Preprocessing.Apply(image, tensor);
        return tensor;
    }

    public ValueTask DisposeAsync() => Scheduler.DisposeAsync();
}
