using System.Diagnostics;
using System.Globalization;
using Platform.Imaging.Data;
using Platform.Imaging.Formats.Data;
using Platform.Training.Configuration;
using Platform.Training.Configuration.Architectures;
using Platform.Training.Engine;
using Platform.Training.FineTuning;
using Platform.Training.Losses;
using Platform.Training.Models;
using Platform.Training.Optimization;
using Platform.Training.Precision;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Bench;

/// <summary>
/// Two figures of issue #15 in one run, printed as Markdown rows for docs/benchmarks.md:
/// (1) the replica machinery's own cost: images per second of 2 replicas × 1 intra-op thread against 1 replica × 2
/// threads on the same global batch, ResNet-18 at 224² and the small CNN at 28², random data in memory, steps of the
/// real <see cref="TrainingStepper"/> (slices, threads, gradient sum, weight broadcast), alternating the two set-ups
/// round by round; without CUDA the replicas are CPU replicas (the test stand-in), with CUDA devices they are GPUs
/// (then the comparison is 2 GPUs against 1: scaling efficiency).
/// (2) the step loop without a per-step wait for the device against the loop that reads every step
/// (<see cref="TrainingRunOptions.SynchroniseEveryStep"/>): the real <see cref="Trainer"/> on Fashion-MNIST, small CNN,
/// rounds alternating. Options: --rounds R (5), --resnet-batch B (16, global), --cnn-batch B (128, global),
/// --resnet-steps N (3), --cnn-steps N (20), --images N (3200), --data DIR, --models resnet18,small_cnn.
/// </summary>
internal static class DataParallelBenchmark
{
    public static int Run(BenchArguments arguments)
    {
        int rounds = arguments.Int("rounds", 5);
        int resnetBatch = arguments.Int("resnet-batch", 16), cnnBatch = arguments.Int("cnn-batch", 128);
        int resnetSteps = arguments.Int("resnet-steps", 3), cnnSteps = arguments.Int("cnn-steps", 20);
        int images = arguments.Int("images", 3200);
        var data = arguments.String("data", "/usr/share/datasets/fashion-mnist");
        var models = arguments.String("models", "resnet18,small_cnn").Split(',', StringSplitOptions.RemoveEmptyEntries);
        arguments.EnsureAllUsed();
        bool gpus = cuda.is_available() && cuda.device_count() >= 2;
        Console.WriteLine($"load average before: {LoadAverage()}");

        Console.WriteLine();
        Console.WriteLine(gpus
            ? "| model | input | global batch | 1 GPU (img/s, median) | 2 GPUs (img/s, median) | 2 GPUs / (2 × 1 GPU) | rounds |"
            : "| model | input | global batch | 1 replica × 2 threads (img/s, median) | 2 replicas × 1 thread (img/s, median) | ratio | rounds |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var model in models)
        {
            bool resnet = model != "small_cnn";
            int side = resnet ? 224 : 28, channels = resnet ? 3 : 1;
            int batch = resnet ? resnetBatch : cnnBatch, steps = resnet ? resnetSteps : cnnSteps;
            var one = new List<double>();
            var two = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                one.Add(ReplicaRate(model, side, channels, batch, steps, replicas: 1, threads: gpus ? 1 : 2, gpus));
                two.Add(ReplicaRate(model, side, channels, batch, steps, replicas: 2, threads: 1, gpus));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {model} round {round + 1}: 1 replica {one[^1]:F1} img/s, 2 replicas {two[^1]:F1} img/s"));
            }

            double ratio = Median(two) / Median(one) / (gpus ? 2 : 1);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {model} | {channels}×{side}² | {batch} | {Median(one):F1} | {Median(two):F1} | **{ratio:F3}** | {rounds} |"));
        }

        Console.WriteLine($"load average after replicas: {LoadAverage()}");
        var train = IdxDataset.Open(Path.Combine(data, "train-images-idx3-ubyte.gz"), Path.Combine(data, "train-labels-idx1-ubyte.gz"), IdxDataset.FashionMnistClasses);
        var subset = new SubsetSource(train, Enumerable.Range(0, images).ToArray());
        var validation = new SubsetSource(train, Enumerable.Range(50_000, 256).ToArray());
        var config = new TrainingConfig
        {
            Architecture = "small_cnn",
            InputChannels = 1,
            ImageSize = 28,
            Epochs = 1,
            BatchSize = 128,
            Lr = 2e-3,
            GradientClipNorm = 1,
            Augmentation = new AugmentationOptions(AugmentationPreset.None),
            LoaderWorkers = 1,
            Threads = gpus ? null : 1,
            Devices = "1",
            Seed = 1,
        };
        double LoopRate(bool everyStep)
        {
            double rate = 0;
            var observer = new EpochRate(r => rate = r);
            using var result = new Trainer(config, new TrainingRunOptions { Observer = observer, SynchroniseEveryStep = everyStep }).Run(subset, validation);
            return rate;
        }

        LoopRate(everyStep: false);
        var old = new List<double>();
        var deferred = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            old.Add(LoopRate(everyStep: true));
            deferred.Add(LoopRate(everyStep: false));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  loop round {round + 1}: every step {old[^1]:F0} img/s, per interval {deferred[^1]:F0} img/s"));
        }

        Console.WriteLine();
        Console.WriteLine("| device | model | images | rounds | read every step (img/s, median) | read per logging interval (img/s, median) | ratio |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {(cuda.is_available() ? "cuda" : "cpu, 1 thread")} | small_cnn 28² b128 | {images} | {rounds} | {Median(old):F0} | {Median(deferred):F0} | **{Median(deferred) / Median(old):F3}** |"));
        Console.WriteLine($"load average after: {LoadAverage()}");
        return 0;
    }

    /// <summary>Images per second of <paramref name="steps"/> timed steps (after two warm-up steps) of one stepper set-up.</summary>
    private static double ReplicaRate(string architecture, int side, int channels, int globalBatch, int steps, int replicas, int threads, bool gpus)
    {
        set_num_threads(threads);
        Device[] devices = gpus
            ? [.. Enumerable.Range(0, replicas).Select(i => new Device(DeviceType.CUDA, i))]
            : [.. Enumerable.Repeat(CPU, replicas)];
        var options = new ModelOptions(NumClasses: 10, InputChannels: channels, ImageSize: side);
        random.manual_seed(1);
        using var master = ModelRegistry.Create(architecture, options);
        master.to(devices[0]);
        using var optimizer = ParameterGroupOptimizer.Create(new OptimizerOptions(), 1e-3, 0.01, new FineTuneStrategy(new FineTuneOptions()).ParameterGroups(master));
        using var stepper = new TrainingStepper(master, NumericPrecision.Fp32, () => ModelRegistry.Create(architecture, options), devices: devices)
        {
            KeepNormsOnDevice = true,
        };
        foreach (var replica in stepper.ComputeModels)
        {
            replica.train();
        }

        using var loss = new CrossEntropyLoss();
        using var images = randn(globalBatch, channels, side, side).to(devices[0]);
        using var labels = randint(0, 10, globalBatch, dtype: ScalarType.Int64).to(devices[0]);
        var watch = new Stopwatch();
        for (int step = 0; step < steps + 2; step++)
        {
            if (step == 2)
            {
                Synchronise(gpus);
                watch.Start();
            }

            using var scope = NewDisposeScope();
            stepper.Step(images, labels, loss, optimizer, clipNorm: null);
        }

        Synchronise(gpus);
        return steps * globalBatch / watch.Elapsed.TotalSeconds;
    }

    private static void Synchronise(bool gpus)
    {
        if (gpus)
        {
            cuda.synchronize();
        }
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private sealed class EpochRate(Action<double> report) : ITrainingObserver
    {
        public void OnEvent(TrainingEvent trainingEvent)
        {
            if (trainingEvent is EpochCompleted completed)
            {
                report(completed.Metrics.ImagesPerSecond);
            }
        }
    }
}
