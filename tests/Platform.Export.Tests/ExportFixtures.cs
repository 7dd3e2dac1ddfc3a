using Platform.Export.Onnx;
using Platform.Export.Parity;
using Platform.Imaging.Transforms;
using Platform.Training.Models;
using TorchSharp;
using static TorchSharp.torch;
using Platform.Imaging.Formats.Data;
using Platform.Imaging.Formats.Recipes;
using Platform.OnnxRuntime;

namespace Platform.Export.Tests;

/// <summary>Shared steps of the export tests: build, briefly train, export and compare.</summary>
internal static class ExportFixtures
{
    public static readonly OnnxSessionOptions CpuSession = new(PreferCuda: false, IntraOpThreads: 2, AllowSpinning: false);

    /// <summary>Sessions on the CPU provider with <see cref="CpuSession"/>'s settings.</summary>
    public static readonly OnnxSessionFactory CpuSessions = new(CpuSession);

    public static TransformRecipe Recipe(int size, int channels = 3) =>
        new(size, channels, channels == 3 ? TransformRecipe.ImageNetMean : [0.449f], channels == 3 ? TransformRecipe.ImageNetStd : [0.226f]);

    public static OnnxModelMetadata Metadata(ImageClassifier model, TransformRecipe recipe) =>
        new(model.Architecture, Enumerable.Range(0, model.NumClasses).Select(i => $"class{i}").ToArray(), recipe);

    /// <summary>
    /// A few SGD steps in training mode on real images, so that weights and batch-norm running statistics move away
    /// from their initial values (the export must carry trained state, not just the initialisation), then forward
    /// passes without gradients until the running statistics settle, as they would after a real epoch. Without them
    /// eval-mode activations of a deep, barely trained net grow to logits in the hundreds.
    /// </summary>
    public static void TrainBriefly(ImageClassifier model, ILabeledImageSource images, TransformRecipe recipe, int steps = 3, int batchSize = 6)
    {
        torch.manual_seed(7);
        model.train();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        var batches = ParityGateBatches(images, recipe, images.Count, batchSize).ToArray();
        for (var step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var (pixels, shape, labels) = batches[step % batches.Length];
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(tensor(pixels, shape)), tensor(labels) % model.NumClasses);
            loss.backward();
            optimizer.step();
        }

        using (no_grad())
        {
            for (var pass = 0; pass < 20; pass++)
            {
                using var scope = NewDisposeScope();
                var (pixels, shape, _) = batches[pass % batches.Length];
                model.call(tensor(pixels, shape));
            }
        }

        model.eval();
    }

    public static ParityReport ExportAndCompare(ImageClassifier model, ILabeledImageSource images, TransformRecipe recipe, int maxImages = 7, int batchSize = 7)
    {
        var bytes = OnnxExporter.ExportToBytes(model, Metadata(model, recipe));
        using var session = CpuSessions.Create(bytes);
        return ParityGate.Compare(model, session, images, recipe, maxImages, batchSize);
    }

    private static IEnumerable<(float[] Pixels, long[] Shape, long[] Labels)> ParityGateBatches(
        ILabeledImageSource images, TransformRecipe recipe, int count, int batchSize)
    {
        var pipeline = new TransformPipeline(recipe);
        foreach (var chunk in Enumerable.Range(0, count).Chunk(batchSize))
        {
            var pixels = new float[chunk.Length * pipeline.OutputLength];
            for (var i = 0; i < chunk.Length; i++)
            {
                pipeline.Apply(images.Load(chunk[i]), pixels.AsSpan(i * pipeline.OutputLength, pipeline.OutputLength));
            }

            yield return (pixels, [chunk.Length, pipeline.OutputChannels, pipeline.OutputHeight, pipeline.OutputWidth],
                chunk.Select(i => (long)images.GetLabel(i)).ToArray());
        }
    }
}
