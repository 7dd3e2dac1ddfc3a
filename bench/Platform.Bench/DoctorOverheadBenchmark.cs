using System.Globalization;
using Platform.Imaging.Data;
using Platform.Imaging.Formats.Data;
using Platform.Training.Configuration;
using Platform.Training.Engine;

namespace Platform.Bench;

/// <summary>
/// What the training doctor's figures cost: training images per second of the real <see cref="Trainer"/> with step-level
/// points, per-block figures and the doctor on (the defaults, every event consumed by an observer) against all off, same
/// model, data and seed. Rounds alternate off/on so drifting load from other work on the machine hits both alike; the
/// figure is the ratio of the medians. Options: --threads N, --architecture A (small_cnn), --size S (28), --batch B (128),
/// --images N (6400), --rounds R (5), --workers W (1), --data DIR.
/// </summary>
internal static class DoctorOverheadBenchmark
{
    public static int Run(BenchArguments arguments)
    {
        var data = arguments.String("data", "/usr/share/datasets/fashion-mnist");
        var architecture = arguments.String("architecture", "small_cnn");
        int size = arguments.Int("size", 28), images = arguments.Int("images", 6400), rounds = arguments.Int("rounds", 5);
        var on = new TrainingConfig
        {
            Architecture = architecture,
            InputChannels = 1,
            ImageSize = size,
            Epochs = 1,
            BatchSize = arguments.Int("batch", 128),
            Lr = 2e-3,
            Augmentation = new AugmentationOptions(AugmentationPreset.None),
            Threads = arguments.Threads,
            LoaderWorkers = arguments.Int("workers", 1),
            Device = DevicePreference.Cpu,
            Seed = 1,
        };
        var off = on with { Monitoring = new MonitoringOptions(LogEverySteps: 1_000_000, BlockFigures: false), Doctor = new DoctorOptions(Enabled: false) };
        arguments.EnsureAllUsed();

        var train = IdxDataset.Open(Path.Combine(data, "train-images-idx3-ubyte.gz"), Path.Combine(data, "train-labels-idx1-ubyte.gz"), IdxDataset.FashionMnistClasses);
        var trainSubset = new SubsetSource(train, Enumerable.Range(0, images).ToArray());
        var validation = new SubsetSource(train, Enumerable.Range(50_000, 256).ToArray());
        double Measure(TrainingConfig config, out int events)
        {
            var observer = new CountingObserver();
            using var result = new Trainer(config, new TrainingRunOptions { Observer = observer }).Run(trainSubset, validation);
            events = observer.Count;
            return observer.ImagesPerSecond;
        }

        Measure(on, out _);
        var offRates = new List<double>();
        var onRates = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            offRates.Add(Measure(off, out var offEvents));
            onRates.Add(Measure(on, out var onEvents));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"round {round + 1}: off {offRates[^1]:F0} img/s ({offEvents} events), on {onRates[^1]:F0} img/s ({onEvents} events)"));
        }

        double offMedian = Median(offRates), onMedian = Median(onRates);
        Console.WriteLine();
        Console.WriteLine($"| model | images | rounds | off (img/s, median) | on (img/s, median) | on / off |");
        Console.WriteLine("|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {architecture} {size}² b{on.BatchSize} | {images} | {rounds} | {offMedian:F0} | {onMedian:F0} | **{onMedian / offMedian:F3}** |"));
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Takes every event, as the trainer's telemetry observer does, and keeps the epoch's training throughput.</summary>
    private sealed class CountingObserver : ITrainingObserver
    {
        public int Count { get; private set; }

        public double ImagesPerSecond { get; private set; }

        public void OnEvent(TrainingEvent trainingEvent)
        {
            Count++;
            if (trainingEvent is EpochCompleted completed)
            {
                ImagesPerSecond = completed.Metrics.ImagesPerSecond;
            }
        }
    }
}
