using System.Diagnostics;
using System.Globalization;
using Platform.Training.Configuration;
using Platform.Training.Engine;
using Platform.Imaging.Formats.Data;
using Platform.Imaging.Formats.Recipes;

namespace Platform.Bench;

/// <summary>
/// Time to 92% and 93% Fashion-MNIST test accuracy with the real <see cref="Trainer"/>: small_cnn on 1×28² images,
/// AdamW with a cosine schedule, horizontal flips, test set (10k) evaluated after every epoch. A threshold's time
/// is the wall time from the start of <see cref="Trainer.Run"/> to the end of the first epoch whose evaluation
/// reaches it (so it includes every evaluation before it); reading the IDX files is reported separately.
/// Options: --threads N, --epochs E, --batch B, --lr X, --dropout P, --workers W, --data DIR.
/// </summary>
internal static class FashionMnistBenchmark
{
    private static readonly double[] Thresholds = [0.92, 0.93];

    public static int Run(BenchArguments arguments)
    {
        var data = arguments.String("data", "/usr/share/datasets/fashion-mnist");
        // Channel statistics of the Fashion-MNIST training set (pixel/255).
        var recipe = new TransformRecipe(28, 1, [0.2860f], [0.3530f], HorizontalFlipProbability: 0.5);
        var config = new TrainingConfig
        {
            Architecture = "small_cnn",
            InputChannels = 1,
            ImageSize = 28,
            Epochs = arguments.Int("epochs", 6),
            BatchSize = arguments.Int("batch", 128),
            Lr = arguments.Double("lr", 3e-3),
            WeightDecay = 0.05,
            Dropout = arguments.Double("dropout", 0.3),
            Schedule = new ScheduleOptions(ScheduleKind.Cosine, WarmupSteps: 100),
            Augmentation = new AugmentationOptions(Recipe: recipe),
            Threads = arguments.Threads,
            LoaderWorkers = arguments.Int("workers", 1),
            Device = DevicePreference.Cpu,
            Seed = 1,
        };
        arguments.EnsureAllUsed();

        var loading = Stopwatch.StartNew();
        var train = IdxDataset.Open(Path.Combine(data, "train-images-idx3-ubyte.gz"), Path.Combine(data, "train-labels-idx1-ubyte.gz"), IdxDataset.FashionMnistClasses);
        var test = IdxDataset.Open(Path.Combine(data, "t10k-images-idx3-ubyte.gz"), Path.Combine(data, "t10k-labels-idx1-ubyte.gz"), IdxDataset.FashionMnistClasses);
        Console.WriteLine($"read {train.Count} + {test.Count} images in {loading.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine(config.ToJson());

        var epochs = new List<(EpochMetrics Metrics, double Elapsed)>();
        var clock = new Stopwatch();
        var observer = new EpochRecorder(metrics =>
        {
            epochs.Add((metrics, clock.Elapsed.TotalSeconds));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {metrics.Epoch}: test accuracy {metrics.ValidationAccuracy:P2}, train loss {metrics.TrainLoss:F4}, " +
                $"{metrics.ImagesPerSecond:F0} img/s, train {metrics.TrainSeconds:F0} s + test {metrics.ValidationSeconds:F0} s, at {clock.Elapsed.TotalSeconds:F0} s"));
        });

        clock.Start();
        using var result = new Trainer(config, new TrainingRunOptions { Observer = observer }).Run(train, test);
        clock.Stop();

        Console.WriteLine();
        Console.WriteLine("| threshold | reached after epoch | wall time (s) |");
        Console.WriteLine("|---|---|---|");
        foreach (var threshold in Thresholds)
        {
            var first = epochs.FirstOrDefault(e => e.Metrics.ValidationAccuracy >= threshold);
            Console.WriteLine(first.Metrics is null
                ? string.Create(CultureInfo.InvariantCulture, $"| {threshold:P0} | not within {config.Epochs} epochs | – |")
                : string.Create(CultureInfo.InvariantCulture, $"| {threshold:P0} | {first.Metrics.Epoch} | {first.Elapsed:F0} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"final test accuracy {result.Report.Accuracy:P2} after {result.Report.EpochsCompleted} epochs, {clock.Elapsed.TotalSeconds:F0} s in all"));
        return 0;
    }

    private sealed class EpochRecorder(Action<EpochMetrics> onEpoch) : ITrainingObserver
    {
        public void OnEvent(TrainingEvent trainingEvent)
        {
            if (trainingEvent is EpochCompleted completed)
            {
                onEpoch(completed.Metrics);
            }
        }
    }
}
