using System.Diagnostics;
using System.Globalization;
using Platform.Imaging;
using Platform.Imaging.Data;
using Platform.Imaging.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Bench;

/// <summary>
/// Loader throughput per core for the ImageNet-style training transform: 256² JPEG in memory → decode →
/// RandomResizedCrop 224 (scale 0.08–1) → horizontal flip (p 0.5) → ColorJitter(0.4, 0.4, 0.4, 0.1) →
/// normalise → CHW float32. Measured single-threaded for Platform.Imaging (<see cref="ImageDecoder"/> +
/// <see cref="TransformPipeline"/>) and for TorchVision's own pipeline (torchvision.io's SkiaImager decode, then torchvision.transforms on tensors, TorchSharp at 1 thread), plus Platform.Imaging's
/// <see cref="DataLoader"/> with all cores as workers.
/// Single-threaded figures are 1 / median time per image; the DataLoader figure is images delivered per second.
/// Options: --seconds S (per pipeline), --images N (distinct JPEGs, default 64).
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
        var ours = Measure(seconds, jpegs.Count, OursOneImage(jpegs, pipeline));
        var decodeOnly = Measure(seconds / 2, jpegs.Count, i => ImageDecoder.Decode(jpegs[i % jpegs.Count]));
        var torchVision = Measure(seconds, jpegs.Count, TorchVisionOneImage(jpegs));
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
            foreach (var transform in transforms)
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
    /// Runs <paramref name="oneImage"/> a few times to warm up, then times each call for as long as the time allows;
    /// returns 1 / median time, which other processes on a shared machine disturb less than the mean.
    /// </summary>
    private static double Measure(double seconds, int distinctImages, Action<int> oneImage)
    {
        for (var i = 0; i < Math.Min(8, distinctImages); i++)
        {
            oneImage(i);
        }

        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < seconds)
        {
            var one = Stopwatch.StartNew();
            oneImage(times.Count);
            times.Add(one.Elapsed.TotalSeconds);
        }

        times.Sort();
        return 1.0 / times[times.Count / 2];
    }

    private static void Row(string name, int threads, double imagesPerSecond) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {threads} | {imagesPerSecond:F0} | {imagesPerSecond / threads:F0} |"));

    /// <summary>The in-memory JPEGs as a labelled source (one class), decoded on every load like a folder dataset.</summary>
    private sealed class JpegSource(List<byte[]> jpegs) : ILabeledImageSource
    {
        public int Count => jpegs.Count;

        public IReadOnlyList<string> Classes { get; } = ["image"];

        public int GetLabel(int index) => 0;

        public ImageBuffer Load(int index) => ImageDecoder.Decode(jpegs[index]);
    }
}
