using Platform.Imaging;
using Platform.Imaging.Transforms;

namespace Platform.Inference.Serving;

/// <summary>
/// One loaded model version: its labels, the preprocessing from its package (the training evaluation transform, so the same image
/// gives the same tensor as in training) and its batcher, which owns the ONNX Runtime session.
/// </summary>
/// <param name="temperature">The package's calibration temperature (1 when it has none): probabilities are softmax(logits / T).</param>
public sealed class ServedModel(string name, int version, Guid runId, IReadOnlyList<string> labels, TransformPipeline preprocessing,
    BatchScheduler scheduler, string inputName, string outputName, double temperature = 1) : IAsyncDisposable
{
    public string Name { get; } = name;

    public int Version { get; } = version;

    public Guid RunId { get; } = runId;

    public IReadOnlyList<string> Labels { get; } = labels;

    public TransformPipeline Preprocessing { get; } = preprocessing;

    public BatchScheduler Scheduler { get; } = scheduler;

    public string InputName { get; } = inputName;

    public string OutputName { get; } = outputName;

    public double Temperature { get; } = temperature;

    /// <summary>
    /// Softmax of the logits, divided first by <see cref="Temperature"/> when <paramref name="calibrated"/> (temperature scaling keeps
    /// the order of the classes, so the top label is the same either way); shifted by the maximum for stability.
    /// </summary>
    public double[] Probabilities(float[] logits, bool calibrated = true)
    {
        var scale = calibrated ? 1 / Temperature : 1;
        var max = logits.Max();
        var exponentials = logits.Select(l => Math.Exp((l - max) * scale)).ToArray();
        var sum = exponentials.Sum();
        return [.. exponentials.Select(e => e / sum)];
    }

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

    /// <summary>A preprocessed CHW tensor mirrored left to right (test-time augmentation by flip).</summary>
    public float[] Mirror(float[] chw)
    {
        var width = Preprocessing.OutputWidth;
        var mirrored = new float[chw.Length];
        for (var row = 0; row < chw.Length; row += width)
        {
            for (var x = 0; x < width; x++)
            {
                mirrored[row + x] = chw[row + width - 1 - x];
            }
        }

        return mirrored;
    }

    public ValueTask DisposeAsync() => Scheduler.DisposeAsync();
}
