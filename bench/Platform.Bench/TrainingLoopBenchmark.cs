using System.Diagnostics;
using System.Globalization;
using Platform.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Bench;

/// <summary>
/// Bare training-loop throughput: random images and labels held in memory, forward, cross-entropy, backward,
/// AdamW step, one dispose scope per batch, a few warm-up steps first. Reports images/s, the GFLOP/s that
/// implies (3× the counted forward FLOPs, see <see cref="FlopCounter"/>) and its ratio to the best 2048² matmul
/// measured in the same process.
/// Options: --threads N, --seconds S (per model), --resnet-batch B, --cnn-batch B, --models a,b.
/// </summary>
internal static class TrainingLoopBenchmark
{
    private sealed record Case(string Model, int Channels, int Side, int Batch);

    private sealed record Result(Case Case, int Steps, double ImagesPerSecond, double TrainingGflops, long PeakWorkingSetMb);

    public static int Run(BenchArguments arguments)
    {
        var threads = arguments.Threads;
        var seconds = arguments.Seconds;
        var cases = new[]
        {
            new Case("resnet18", 3, 224, arguments.Int("resnet-batch", 32)),
            new Case("small_cnn", 1, 28, arguments.Int("cnn-batch", 128)),
        };
        var selected = arguments.String("models", string.Join(",", cases.Select(c => c.Model))).Split(',');
        arguments.EnsureAllUsed();

        torch.set_num_threads(threads);
        torch.manual_seed(0);
        var matmul = MatmulBenchmark.BestGflops();
        Console.WriteLine($"best 2048² float32 matmul: {matmul:F1} GFLOP/s");

        var results = cases.Where(c => selected.Contains(c.Model)).Select(c => Measure(c, seconds)).ToList();
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Case.Model} {r.Case.Side}² b{r.Case.Batch}: {r.ImagesPerSecond:F1} img/s, {r.TrainingGflops:F1} GFLOP/s " +
                $"= {r.TrainingGflops / matmul:P0} of matmul ({r.Steps} steps, peak working set {r.PeakWorkingSetMb} MB)"));
        }

        matmul = Math.Max(matmul, MatmulBenchmark.BestGflops()); // the ceiling may have been low at start-up
        Console.WriteLine();
        Console.WriteLine($"| model | input | batch | threads | img/s | training GFLOP/s | best matmul GFLOP/s | ratio |");
        Console.WriteLine($"|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Case.Model} | {r.Case.Channels}×{r.Case.Side}² | {r.Case.Batch} | {threads} | {r.ImagesPerSecond:F1} | " +
                $"{r.TrainingGflops:F1} | {matmul:F1} | {r.TrainingGflops / matmul:F2} |"));
        }

        return 0;
    }

    private static Result Measure(Case c, double seconds)
    {
        using var model = ModelRegistry.Create(c.Model, new ModelOptions(NumClasses: 10, InputChannels: c.Channels, ImageSize: c.Side));
        var forwardFlops = FlopCounter.ForwardFlopsPerImage(model, c.Channels, c.Side);
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

        var steps = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds || steps < 3)
        {
            Step();
            steps++;
        }

        var imagesPerSecond = steps * c.Batch / watch.Elapsed.TotalSeconds;
        var trainingGflops = imagesPerSecond * 3 * forwardFlops / 1e9;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{c.Model}: {forwardFlops / 1e9:F3} forward GFLOP per image (conv + linear)"));
        return new Result(c, steps, imagesPerSecond, trainingGflops, Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024));
    }
}
