using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Imaging;
using Platform.Imaging.Formats;
using Platform.Ingest.Datasets;
using Platform.Ingest.Health;
using Platform.OnnxRuntime;
using Platform.Testing;

/// <summary>
/// The health check's embedding stage against ONNX Runtime alone on the same batches: the embedder resizes, converts and
/// normalises decoded art4apps pictures and runs them; the raw side runs the already-converted batches on its own session of the
/// same graph and threads. Both in images per CPU-second of this process.
/// </summary>
internal static class HealthEmbeddingBench
{
    public static int Run(int count)
    {
        var art = RepositoryPaths.RequireFolder(Path.Combine(RepositoryPaths.Data, "art4apps"), "run scripts/setup.sh");
        var images = Directory.GetDirectories(art).Order(StringComparer.Ordinal).SelectMany(d => Directory.GetFiles(d, "*.jpg").Order(StringComparer.Ordinal))
            .Take(count).Select(file => ImageDecoder.Decode(File.ReadAllBytes(file), new DecodeOptions(3))).ToList();
        var options = Options.Create(new IngestOptions());
        var embedder = new ImageEmbedderProvider(options, NullLogger<ImageEmbedderProvider>.Instance).TryGet(out var reason)
            ?? throw new InvalidOperationException(reason);
        var threads = options.Value.HealthEmbeddingThreads;
        using var raw = new OnnxSessionFactory(new OnnxSessionOptions(PreferCuda: false, IntraOpThreads: threads, AllowSpinning: false)).Create(embedder.Model.Graph, threads);
        const int side = EmbeddingModel.Resolution;
        var batches = images.Chunk(ImageEmbedder.BatchSize).Select(batch =>
        {
            var input = new float[batch.Length * 3 * side * side];
            for (var i = 0; i < batch.Length; i++)
            {
                ImageEmbedder.WriteInput(batch[i], input.AsSpan(i * 3 * side * side, 3 * side * side));
            }
            return (input, Shape: new long[] { batch.Length, 3, side, side });
        }).ToList();

        // Warm-up of both sessions, then each measured twice, alternating, and the better run kept (the machine is shared).
        embedder.Embed(images.Take(ImageEmbedder.BatchSize).Select((image, i) => (i, image)), ImageEmbedder.BatchSize);
        raw.Run(batches[0].input, batches[0].Shape);
        double bestEmbedder = 0, bestRaw = 0;
        for (var round = 0; round < 2; round++)
        {
            bestEmbedder = Math.Max(bestEmbedder, PerCpuSecond(images.Count, () => embedder.Embed(images.Select((image, i) => (i, image)), images.Count)));
            bestRaw = Math.Max(bestRaw, PerCpuSecond(images.Count, () =>
            {
                foreach (var (input, shape) in batches)
                {
                    raw.Run(input, shape);
                }
            }));
        }
        Console.WriteLine($"""
            | Measure ({images.Count} art4apps pictures, {side}², batch {ImageEmbedder.BatchSize}, {threads} intra-op thread(s)) | Value |
            |---|---|
            | Embedding stage (resize, convert, run, normalise) | {bestEmbedder:F1} img/s per CPU-second |
            | ONNX Runtime alone, same batches already converted | {bestRaw:F1} img/s per CPU-second |
            | Ratio | {bestEmbedder / bestRaw:F2} |
            """);
        return 0;
    }

    private static double PerCpuSecond(int images, Action work)
    {
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        work();
        process.Refresh();
        return images / (process.TotalProcessorTime - before).TotalSeconds;
    }
}
