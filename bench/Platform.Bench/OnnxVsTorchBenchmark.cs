using System.Diagnostics;
using System.Globalization;
using Platform.Export.Onnx;
using Platform.OnnxRuntime;
using Platform.Training.Models;
using TorchSharp;
using static TorchSharp.torch;
using Platform.Imaging.Formats.Recipes;
using Platform.Training.Configuration.Architectures;

namespace Platform.Bench;

/// <summary>
/// Inference latency of one model in TorchSharp (eval mode, no_grad) and in ONNX Runtime after
/// <see cref="OnnxExporter"/>, in the same process, on the same input, with the same intra-op thread count.
/// Batches alternate between the two engines so that load from other processes hits both alike; reports the median
/// and the fastest batch, images/s from the median, the ORT/TorchSharp speed-up and the largest output difference.
/// Options: --threads N, --seconds S (per engine and batch size), --model NAME (resnet18), --size PX (224),
/// --batches 1,32, --cuda true|false (ORT tries CUDA first when true), --spinning true|false (ORT's idle threads
/// busy-wait, its default).
/// </summary>
internal static class OnnxVsTorchBenchmark
{
    private sealed record Timing(int Runs, double MedianMs, double BestMs);

    public static int Run(BenchArguments arguments)
    {
        var threads = arguments.Threads;
        var seconds = arguments.Seconds;
        var name = arguments.String("model", "resnet18");
        var size = arguments.Int("size", 224);
        var batches = arguments.String("batches", "1,32").Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray();
        var preferCuda = bool.Parse(arguments.String("cuda", "true"));
        var spinning = bool.Parse(arguments.String("spinning", "true"));
        arguments.EnsureAllUsed();

        torch.set_num_threads(threads);
        torch.manual_seed(0);
        using var model = ModelRegistry.Create(name, new ModelOptions(NumClasses: 1000, ImageSize: size));
        model.eval();
        var recipe = new TransformRecipe(size, 3, TransformRecipe.ImageNetMean, TransformRecipe.ImageNetStd);
        var metadata = new OnnxModelMetadata(name, Enumerable.Range(0, 1000).Select(i => $"class{i}").ToArray(), recipe);
        using var session = new OnnxSessionFactory(new OnnxSessionOptions(preferCuda, threads, AllowSpinning: spinning)).Create(OnnxExporter.ExportToBytes(model, metadata));
        Console.WriteLine($"ONNX Runtime provider: {session.Provider}{(session.FallbackReason is { } why ? $" ({why})" : "")}; spinning {spinning}; load average {LoadAverage()}");

        var rows = new List<string>();
        foreach (var batch in batches)
        {
            using var input = randn(batch, 3, size, size);
            var pixels = input.data<float>().ToArray();
            long[] shape = [batch, 3, size, size];
            var (torchTiming, onnxTiming, maxDifference) = Measure(model, session, input, pixels, shape, seconds);
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {size}² | {batch} | {threads} | {torchTiming.Runs} / {onnxTiming.Runs} | {torchTiming.MedianMs:F1} | {torchTiming.BestMs:F1} | "
                + $"{batch * 1000 / torchTiming.MedianMs:F1} | {onnxTiming.MedianMs:F1} | {onnxTiming.BestMs:F1} | {batch * 1000 / onnxTiming.MedianMs:F1} | "
                + $"{torchTiming.MedianMs / onnxTiming.MedianMs:F2}× | {maxDifference:E1} |"));
        }

        Console.WriteLine();
        Console.WriteLine($"| model | input | batch | threads | runs torch / ort | TorchSharp ms median | TorchSharp ms best | TorchSharp img/s | ORT ({session.Provider}) ms median | ORT ms best | ORT img/s | speed-up (median) | max abs output diff |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);
        return 0;
    }

    private static (Timing Torch, Timing Onnx, double MaxDifference) Measure(
        ImageClassifier model, OnnxSession session, Tensor input, float[] pixels, long[] shape, double seconds)
    {
        float[] TorchRun()
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            return model.call(input).data<float>().ToArray();
        }

        float[] OnnxRun() => session.Run(pixels, shape).Values;

        // Warm-up: allocators, thread pools, ORT's first-run graph preparation.
        var expected = TorchRun();
        var actual = OnnxRun();
        TorchRun();
        OnnxRun();
        var maxDifference = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();

        var torchTimes = new List<double>();
        var onnxTimes = new List<double>();
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < 2 * seconds || torchTimes.Count < 3)
        {
            torchTimes.Add(Time(() => TorchRun()));
            onnxTimes.Add(Time(() => OnnxRun()));
        }

        return (Summarise(torchTimes), Summarise(onnxTimes), maxDifference);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalMilliseconds;
    }

    private static Timing Summarise(List<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        return new Timing(sorted.Length, sorted[sorted.Length / 2], sorted[0]);
    }
}
