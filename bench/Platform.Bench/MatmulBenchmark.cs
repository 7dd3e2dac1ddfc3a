using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Bench;

/// <summary>
/// The machine's practical float32 ceiling for TorchSharp: the best of several n×n matmuls (2·n³ FLOPs each).
/// Training throughput is judged against this figure measured in the same process.
/// </summary>
internal static class MatmulBenchmark
{
    public static int Run(BenchArguments arguments)
    {
        torch.set_num_threads(arguments.Threads);
        var size = arguments.Int("size", 2048);
        arguments.EnsureAllUsed();
        Console.WriteLine($"best {size}² float32 matmul: {BestGflops(size):F1} GFLOP/s");
        return 0;
    }

    public static double BestGflops(int size = 2048, int repetitions = 12)
    {
        using var a = randn(size, size);
        using var b = randn(size, size);
        a.matmul(b).Dispose(); // warm-up: thread pool and allocator
        var best = double.MaxValue;
        for (var i = 0; i < repetitions; i++)
        {
            var watch = Stopwatch.StartNew();
            using var product = a.matmul(b);
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }

        return 2.0 * size * size * size / best / 1e9;
    }
}
