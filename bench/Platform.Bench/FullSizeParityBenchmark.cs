using System.Diagnostics;
using System.Globalization;
using Platform.Export.Onnx;
using Platform.Export.Parity;
using Platform.Imaging.Data;
using Platform.Imaging.Transforms;
using Platform.OnnxRuntime;
using Platform.Training.Configuration.Architectures;
using Platform.Training.Models;
using TorchSharp;
using Platform.Imaging.Formats.Recipes;
using static TorchSharp.torch;

namespace Platform.Bench;

/// <summary>
/// The parity gate on the full-size Swin-T and ConvNeXt-T after a brief training (too slow for the test suite on two cores,
/// whose parity tests run the reduced variants through the same emitters): each model at 224 px with a 4-class head takes
/// 3 SGD steps (lr 0.01, batch 6, drop path active) on art4apps photos, is exported, and its logits are compared with ONNX
/// Runtime's on 7 photos (ImageNet evaluation transform) at batch 1 and at batch 7.
/// Options: --threads N, --models swin_tiny,convnext_tiny.
/// </summary>
internal static class FullSizeParityBenchmark
{
    private const int Size = 224;

    public static int Run(BenchArguments arguments)
    {
        var models = arguments.String("models", "swin_tiny,convnext_tiny").Split(',');
        arguments.EnsureAllUsed();
        var folder = BenchmarkImages.FindArt4Apps();
        if (folder is null)
        {
            Console.Error.WriteLine("The art4apps photos are missing: run scripts/setup.sh.");
            return 1;
        }

        torch.set_num_threads(arguments.Threads);
        var images = FolderDataset.Open(folder);
        var recipe = TransformRecipe.Eval(Size, TransformRecipe.ImageNetMean, TransformRecipe.ImageNetStd);
        var sessions = new OnnxSessionFactory(new OnnxSessionOptions(PreferCuda: false, IntraOpThreads: arguments.Threads, AllowSpinning: false));
        var rows = new List<string>();
        var failed = false;
        foreach (var name in models)
        {
            var watch = Stopwatch.StartNew();
            torch.manual_seed(7);
            using var model = ModelRegistry.Create(name, new ModelOptions(NumClasses: 4, ImageSize: Size));
            var loss = TrainBriefly(model, images, recipe);
            var metadata = new OnnxModelMetadata(name, ["a", "b", "c", "d"], recipe);
            using var session = sessions.Create(OnnxExporter.ExportToBytes(model, metadata));
            foreach (var batch in new[] { 1, 7 })
            {
                var report = ParityGate.Compare(model, session, images, recipe, maxImages: 7, batchSize: batch);
                failed |= !report.Passed;
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {Size}² | {batch} | {report.ImagesCompared} | {report.MaxAbsLogitDifference:E1} | {report.Top1Agreement:P0} | {report.MaxAbsLogit:G3} | {(report.Passed ? "passed" : "FAILED")} | {loss:F3} | {watch.Elapsed.TotalSeconds:F0} |"));
                Console.WriteLine(report);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| model | input | batch | images | max abs Δlogit | top-1 agreement | max abs logit | gate (1e-4, 100 %) | last training loss | seconds so far |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
        return failed ? 1 : 0;
    }

    /// <summary>3 SGD steps in training mode on the first 18 photos (spread over the classes), so the weights move from their initialisation.</summary>
    private static double TrainBriefly(ImageClassifier model, FolderDataset images, TransformRecipe recipe)
    {
        var pipeline = new TransformPipeline(recipe);
        model.train();
        using var optimizer = optim.SGD(model.parameters(), 0.01);
        double last = 0;
        for (var step = 0; step < 3; step++)
        {
            using var scope = NewDisposeScope();
            var indices = Enumerable.Range(0, 6).Select(i => (step * 6 + i) * images.Count / 18).ToArray();
            var pixels = new float[indices.Length * pipeline.OutputLength];
            for (var i = 0; i < indices.Length; i++)
            {
                pipeline.Apply(images.Load(indices[i]), pixels.AsSpan(i * pipeline.OutputLength, pipeline.OutputLength));
            }

            optimizer.zero_grad();
            var labels = tensor(indices.Select(i => (long)(images.GetLabel(i) % 4)).ToArray());
            var loss = nn.functional.cross_entropy(model.call(tensor(pixels, [indices.Length, 3, Size, Size])), labels);
            loss.backward();
            optimizer.step();
            last = loss.item<float>();
        }

        model.eval();
        return last;
    }
}
