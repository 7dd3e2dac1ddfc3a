using System.Diagnostics;
using System.Globalization;
using Platform.Training.Models;
using TorchSharp;
using static TorchSharp.torch;
using Platform.Training.Configuration.Architectures;

namespace Platform.Bench;

/// <summary>
/// Bare training-loop throughput: random images and labels held in memory, forward, cross-entropy, backward,
/// AdamW step, one dispose scope per batch, three warm-up steps first. Each step is timed; reports images/s from the
/// median and from the fastest step, the GFLOP/s they imply (3× the counted forward FLOPs, see
/// <see cref="ModelComplexity"/>: 2 FLOPs per multiply-add, attention products included) and their ratio to the best 2048² matmul measured in the same process (before and after).
/// Options: --threads N, --seconds S (per model), --resnet-batch B, --cnn-batch B, --transformer-batch B (swin_tiny,
/// convnext_tiny), --models a,b (default resnet18,small_cnn).
/// </summary>
internal static class TrainingLoopBenchmark
{
    private sealed record Case(string Model, int Channels, int Side, int Batch);

    /// <summary>Throughput from the median step (typical) and from the fastest step (least disturbed by other
    /// processes on a shared machine, comparable with the best-of matmul figure).</summary>
    private sealed record Result(Case Case, int Steps, double MedianImagesPerSecond, double BestImagesPerSecond, long ForwardFlops, long PeakWorkingSetMb)
    {
        public double MedianGflops => MedianImagesPerSecond * 3 * ForwardFlops / 1e9;

        public double BestGflops => BestImagesPerSecond * 3 * ForwardFlops / 1e9;
    }

    public static int Run(BenchArguments arguments)
    {
        var threads = arguments.Threads;
        var seconds = arguments.Seconds;
        var cases = new[]
        {
            new Case("resnet18", 3, 224, arguments.Int("resnet-batch", 32)),
            new Case("small_cnn", 1, 28, arguments.Int("cnn-batch", 128)),
            new Case("swin_tiny", 3, 224, arguments.Int("transformer-batch", 16)),
            new Case("convnext_tiny", 3, 224, arguments.Int("transformer-batch", 16)),
        };
        var selected = arguments.String("models", "resnet18,small_cnn").Split(',');
        arguments.EnsureAllUsed();

        torch.set_num_threads(threads);
        torch.manual_seed(0);
        var matmul = MatmulBenchmark.BestGflops();
        Console.WriteLine($"best 2048² float32 matmul: {matmul:F1} GFLOP/s");

        var results = cases.Where(c => selected.Contains(c.Model)).Select(c => Measure(c, seconds)).ToList();
        matmul = Math.Max(matmul, MatmulBenchmark.BestGflops()); // the ceiling may have been low at start-up
        Console.WriteLine($"best 2048² float32 matmul (start and end): {matmul:F1} GFLOP/s");
        Console.WriteLine();
        Console.WriteLine("| model | input | batch | threads | steps | img/s median step | img/s best step | GFLOP/s median | GFLOP/s best | best matmul GFLOP/s | ratio median | ratio best | process peak RSS so far |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Case.Model} | {r.Case.Channels}×{r.Case.Side}² | {r.Case.Batch} | {threads} | {r.Steps} | {r.MedianImagesPerSecond:F1} | {r.BestImagesPerSecond:F1} | " +
                $"{r.MedianGflops:F1} | {r.BestGflops:F1} | {matmul:F1} | {r.MedianGflops / matmul:F2} | {r.BestGflops / matmul:F2} | {r.PeakWorkingSetMb} MB |"));
        }

        return 0;
    }

    private static Result Measure(Case c, double seconds)
    {
        using var model = ModelRegistry.Create(c.Model, new ModelOptions(NumClasses: 10, InputChannels: c.Channels, ImageSize: c.Side));
        var forwardFlops = 2 * ModelComplexity.MultiplyAdds(model, c.Channels, c.Side);
        model.train();
        using var optimizer = optim.AdamW(model.parameters(), lr: 1e-3);
        using var images = randn(c.Batch, c.Channels, c.Side, c.Side);
        using var labels = randint(0, 10, [c.Batch], dtype: int64);

        void Step()
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(images), labels);
            loss.backward();
            optimizer.step();
        }

        const int warmupSteps = 3;
        for (var i = 0; i < warmupSteps; i++)
        {
            Step();
        }

        var stepSeconds = new List<double>();
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < seconds || stepSeconds.Count < 3)
        {
            var step = Stopwatch.StartNew();
            Step();
            stepSeconds.Add(step.Elapsed.TotalSeconds);
        }

        stepSeconds.Sort();
        var median = stepSeconds[stepSeconds.Count / 2];
        var result = new Result(c, stepSeconds.Count, c.Batch / median, c.Batch / stepSeconds[0], forwardFlops,
            Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{c.Model} {c.Side}² b{c.Batch}: {forwardFlops / 1e9:F3} forward GFLOP per image (conv + linear + attention); " +
            $"{result.MedianImagesPerSecond:F1} img/s median step, {result.BestImagesPerSecond:F1} best, {stepSeconds.Count} steps"));
        return result;
    }
}
