using Platform.OnnxRuntime;
using Platform.Imaging.Transforms;
using Platform.Training.Models;
using static TorchSharp.torch;
using Platform.Imaging.Formats.Data;
using Platform.Imaging.Formats.Recipes;

namespace Platform.Export.Parity;

/// <summary>
/// Runs the same images through the TorchSharp model (eval mode) and the exported ONNX model and measures how far
/// their logits are apart. Images are NCHW float batches exactly as the evaluation transform produces them.
/// </summary>
public static class ParityGate
{
    /// <summary>Compares on the given batches; each is (pixels, shape [n, C, H, W]).</summary>
    public static ParityReport Compare(
        ImageClassifier model, OnnxSession session, IEnumerable<(float[] Pixels, long[] Shape)> batches, ParityThresholds? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(batches);
        double maxDifference = 0, maxLogit = 0;
        int images = 0, agreeing = 0;
        bool wasTraining = model.training;
        model.eval();
        try
        {
            var device = model.parameters().FirstOrDefault()?.device ?? CPU;
            foreach (var (pixels, shape) in batches)
            {
                var expected = TorchLogits(model, device, pixels, shape);
                var (actual, actualShape) = session.Run(pixels, shape);
                int count = checked((int)shape[0]), classes = checked((int)actualShape[1]);
                if (actual.Length != expected.Length || actualShape[0] != count)
                {
                    throw new InvalidOperationException(
                        $"ONNX Runtime returned shape [{string.Join(", ", actualShape)}]; TorchSharp returned {expected.Length} logits for {count} images.");
                }

                for (var i = 0; i < count; i++)
                {
                    var expectedRow = expected.AsSpan(i * classes, classes);
                    var actualRow = actual.AsSpan(i * classes, classes);
                    for (var c = 0; c < classes; c++)
                    {
                        // NaN on either side must fail the gate, so compare with a NaN-aware maximum.
                        var difference = Math.Abs((double)expectedRow[c] - actualRow[c]);
                        maxDifference = double.IsNaN(difference) ? double.PositiveInfinity : Math.Max(maxDifference, difference);
                        maxLogit = Math.Max(maxLogit, Math.Abs(expectedRow[c]));
                    }

                    agreeing += ArgMax(expectedRow) == ArgMax(actualRow) ? 1 : 0;
                }

                images += count;
            }
        }
        finally
        {
            model.train(wasTraining);
        }

        return new ParityReport(maxDifference, images == 0 ? 0 : (double)agreeing / images, images, maxLogit, session.Provider, thresholds ?? new ParityThresholds());
    }

    /// <summary>
    /// Compares on up to <paramref name="maxImages"/> images of <paramref name="source"/> (evenly spread over it, so
    /// every class of a class-ordered folder shows up), transformed with the evaluation <paramref name="recipe"/>.
    /// </summary>
    public static ParityReport Compare(
        ImageClassifier model, OnnxSession session, ILabeledImageSource source, TransformRecipe recipe,
        int maxImages = 32, int batchSize = 8, ParityThresholds? thresholds = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxImages, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return Compare(model, session, Batches(source, new TransformPipeline(recipe), maxImages, batchSize), thresholds);
    }

    /// <summary>Like <see cref="Compare(ImageClassifier, OnnxSession, ILabeledImageSource, TransformRecipe, int, int, ParityThresholds?)"/>,
    /// but throws <see cref="ParityGateException"/> when the thresholds are not met.</summary>
    public static ParityReport Enforce(
        ImageClassifier model, OnnxSession session, ILabeledImageSource source, TransformRecipe recipe,
        int maxImages = 32, int batchSize = 8, ParityThresholds? thresholds = null)
    {
        var report = Compare(model, session, source, recipe, maxImages, batchSize, thresholds);
        return report.Passed ? report : throw new ParityGateException(report);
    }

    internal static IEnumerable<(float[] Pixels, long[] Shape)> Batches(
        ILabeledImageSource source, TransformPipeline pipeline, int maxImages, int batchSize)
    {
        var count = Math.Min(maxImages, source.Count);
        var indices = Enumerable.Range(0, count).Select(i => (int)((long)i * source.Count / count)).ToArray();
        var length = pipeline.OutputLength;
        foreach (var chunk in indices.Chunk(batchSize))
        {
            var pixels = new float[chunk.Length * length];
            for (var i = 0; i < chunk.Length; i++)
            {
                pipeline.Apply(source.Load(chunk[i]), pixels.AsSpan(i * length, length));
            }

            yield return (pixels, [chunk.Length, pipeline.OutputChannels, pipeline.OutputHeight, pipeline.OutputWidth]);
        }
    }

    private static float[] TorchLogits(ImageClassifier model, Device device, float[] pixels, long[] shape)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var input = tensor(pixels, shape).to(device);
        return model.call(input).to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
