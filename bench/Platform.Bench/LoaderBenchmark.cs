using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Platform.Imaging;
using Platform.Imaging.Data;
using Platform.Imaging.Transforms;
using TorchSharp;
using static TorchSharp.torch;
using Platform.Imaging.Formats;
using Platform.Imaging.Formats.Data;
using Platform.Imaging.Formats.Recipes;

namespace Platform.Bench;

/// <summary>
/// Loader throughput per core for the ImageNet-style training transform: 256² JPEG in memory → decode →
/// RandomResizedCrop 224 (scale 0.08–1) → horizontal flip (p 0.5) → ColorJitter(0.4, 0.4, 0.4, 0.1) →
/// normalise → CHW float32. Measured single-threaded for Platform.Imaging (<see cref="ImageDecoder"/> +
/// <see cref="TransformPipeline"/>) and for TorchVision's own pipeline (torchvision.io's SkiaImager decode, then torchvision.transforms on tensors, TorchSharp at 1 thread), plus Platform.Imaging's
/// <see cref="DataLoader"/> with all cores as workers.
/// Single-threaded figures are 1 / median time per image, the pipelines interleaved image by image; the DataLoader
/// figure is images delivered per second. Options: --seconds S (2·S for the interleaved run, S for the DataLoader),
/// --images N (distinct JPEGs, default 64).
/// </summary>
internal static class LoaderBenchmark
{
    private const int CropSide = 224;
    private static readonly ColorJitterOptions Jitter = new(Brightness: 0.4, Contrast: 0.4, Saturation: 0.4, Hue: 0.1);

    public static int Run(BenchArguments arguments)
    {
        var seconds = arguments.Seconds;
        var imageCount = arguments.Int("images", 64);
        arguments.EnsureAllUsed();

        var (jpegs, origin) = BenchmarkImages.Create(imageCount);
        Console.WriteLine($"inputs: {origin}, {jpegs.Average(j => j.Length) / 1024:F0} KiB average JPEG");

        var recipe = TransformRecipe.Train(CropSide, TransformRecipe.ImageNetMean, TransformRecipe.ImageNetStd, colorJitter: Jitter);
        var pipeline = new TransformPipeline(recipe);
        var rates = MeasureInterleaved(seconds * 2, jpegs.Count,
            new TimedPipeline(OursOneImage(jpegs, pipeline)),
            new TimedPipeline(i => ImageDecoder.Decode(jpegs[i % jpegs.Count])),
            new TimedPipeline(TorchVisionOneImage(jpegs), WithoutGarbageCollection: true));
        var (ours, decodeOnly, torchVision) = (rates[0], rates[1], rates[2]);
        var loader = MeasureDataLoader(seconds, jpegs, pipeline, Environment.ProcessorCount);

        Console.WriteLine();
        Console.WriteLine("| pipeline (256² JPEG → RandomResizedCrop 224 + flip + ColorJitter + normalise → CHW float) | threads | img/s | img/s per core |");
        Console.WriteLine("|---|---|---|---|");
        Row("Platform.Imaging: ImageDecoder + TransformPipeline", 1, ours);
        Row("Platform.Imaging: ImageDecoder only", 1, decodeOnly);
        Row("TorchVision: io.SkiaImager decode + transforms", 1, torchVision);
        Row($"Platform.Imaging DataLoader, {Environment.ProcessorCount} workers, batch 64", Environment.ProcessorCount, loader);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Platform.Imaging / TorchVision per core: {ours / torchVision:F1}×"));
        return 0;
    }

    private static Action<int> OursOneImage(List<byte[]> jpegs, TransformPipeline pipeline)
    {
        var destination = new float[pipeline.OutputLength];
        return i => pipeline.Apply(ImageDecoder.Decode(jpegs[i % jpegs.Count]), destination, seed: 1, epoch: 0, sampleIndex: i);
    }

    private static Action<int> TorchVisionOneImage(List<byte[]> jpegs)
    {
        torch.set_num_threads(1);
        var imager = new torchvision.io.SkiaImager(90);
        // Applied one by one rather than through transforms.Compose: in 0.107 Compose disposes each intermediate,
        // which destroys the image when a random transform (the flip) returns its input unchanged.
        torchvision.ITransform[] transforms =
        [
            torchvision.transforms.RandomResizedCrop(CropSide, 0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0),
            torchvision.transforms.RandomHorizontalFlip(0.5),
            torchvision.transforms.ConvertImageDtype(ScalarType.Float32),
            torchvision.transforms.ColorJitter((float)Jitter.Brightness, (float)Jitter.Contrast, (float)Jitter.Saturation, (float)Jitter.Hue),
            torchvision.transforms.Normalize(
                TransformRecipe.ImageNetMean.Select(m => (double)m).ToArray(),
                TransformRecipe.ImageNetStd.Select(s => (double)s).ToArray(),
                ScalarType.Float32,
                CPU),
        ];
        var destination = new float[3 * CropSide * CropSide];
        return i =>
        {
            using var scope = NewDisposeScope();
            // torchvision.io.decode_image(Tensor) hands Skia a stream it cannot decode (null bitmap) in 0.107, so the
            // imager is given the bytes directly: the same SkiaImager decode path.
            var image = imager.DecodeImage(jpegs[i % jpegs.Count], torchvision.io.ImageReadMode.RGB);
            // TorchSharp's transforms take batches (Normalize reads channels from dimension 1), hence N = 1.
            var batch = image.unsqueeze(0);
            var cropped = transforms[0].call(batch);
            // TorchSharp 0.107's ResizedCrop disposes its crop, which is also its result when the crop already has the
            // output size (about 1 image in 250 here): the tensor comes back disposed. Draw again, as the next call would.
            while (cropped.IsInvalid)
            {
                cropped = transforms[0].call(batch);
            }

            batch = cropped;
            foreach (var transform in transforms.Skip(1))
            {
                batch = transform.call(batch);
            }

            var output = batch.squeeze(0).contiguous();
            output.data<float>().CopyTo(destination);
        };
    }

    private static double MeasureDataLoader(double seconds, List<byte[]> jpegs, TransformPipeline pipeline, int workers)
    {
        var source = new JpegSource(jpegs);
        var loader = new DataLoader(source, pipeline, new RandomSampler(source.Count, seed: 1),
            new LoaderOptions(BatchSize: 64, Workers: workers, PrefetchBatches: 4));
        var images = 0;
        var watch = Stopwatch.StartNew();
        for (var epoch = 0; watch.Elapsed.TotalSeconds < seconds; epoch++)
        {
            foreach (var batch in loader.ReadEpoch(epoch))
            {
                images += batch.Count;
            }
        }

        return images / watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Warms each pipeline up, then runs them in turn on the same image, one image at a time, timing every call, for
    /// as long as the time allows. Returns 1 / median time per pipeline. Interleaving exposes every pipeline to the
    /// same disturbance from other processes on a shared machine, so their ratio holds even when absolute rates
    /// drift; the median ignores the worst interruptions.
    /// </summary>
    private static double[] MeasureInterleaved(double seconds, int distinctImages, params TimedPipeline[] pipelines)
    {
        foreach (var pipeline in pipelines)
        {
            for (var i = 0; i < Math.Min(8, distinctImages); i++)
            {
                RunOnce(pipeline, i);
            }
        }

        var times = pipelines.Select(_ => new List<double>()).ToArray();
        var total = Stopwatch.StartNew();
        for (var image = 0; total.Elapsed.TotalSeconds < seconds; image++)
        {
            for (var p = 0; p < pipelines.Length; p++)
            {
                times[p].Add(RunOnce(pipelines[p], image));
            }
        }

        return times.Select(t =>
        {
            t.Sort();
            return 1.0 / t[t.Count / 2];
        }).ToArray();
    }

    /// <summary>Runs one image and returns its time; a no-GC region, when asked for, is opened and closed outside the timing.</summary>
    private static double RunOnce(TimedPipeline pipeline, int image)
    {
        // TorchSharp 0.107 reads a Scalar's native handle and then calls libtorch without keeping the Scalar alive, so
        // a collection during the call can finalize (free) it mid-call: "Expected false to be true ... toFloat" or a
        // crash. No collection may run inside a TorchSharp image; the collections its garbage needs happen later,
        // inside whichever pipeline allocates next, which can only slow the others down, never TorchVision.
        var holding = pipeline.WithoutGarbageCollection && GC.TryStartNoGCRegion(NoGcBudgetBytes);
        try
        {
            var one = Stopwatch.StartNew();
            pipeline.Run(image);
            return one.Elapsed.TotalSeconds;
        }
        finally
        {
            if (holding && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                GC.EndNoGCRegion();
            }
        }
    }

    private static void Row(string name, int threads, double imagesPerSecond) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {threads} | {imagesPerSecond:F0} | {imagesPerSecond / threads:F0} |"));

    private const long NoGcBudgetBytes = 16L << 20;

    /// <param name="Run">Processes the image with the given index.</param>
    /// <param name="WithoutGarbageCollection">Run each image inside a no-GC region (see <see cref="RunOnce"/>).</param>
    private sealed record TimedPipeline(Action<int> Run, bool WithoutGarbageCollection = false);

    /// <summary>The in-memory JPEGs as a labelled source (one class), decoded on every load like a folder dataset.</summary>
    private sealed class JpegSource(List<byte[]> jpegs) : ILabeledImageSource
    {
        public int Count => jpegs.Count;

        public IReadOnlyList<string> Classes { get; } = ["image"];

        public int GetLabel(int index) => 0;

        public ImageBuffer Load(int index) => ImageDecoder.Decode(jpegs[index]);
    }
}
