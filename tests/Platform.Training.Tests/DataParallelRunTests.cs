using Platform.Imaging.Data;
using Platform.Imaging.Formats.Data;
using Platform.Training.Checkpoints;
using Platform.Training.Configuration;
using Platform.Training.Engine;
using Platform.Training.Models;
using static TorchSharp.torch;

namespace Platform.Training.Tests;

/// <summary>Whole runs on several CPU replicas (<c>devices: N</c> without CUDA), each replica on one thread.</summary>
public sealed class DataParallelRunTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("data-parallel-tests-").FullName;

    [Fact]
    public void TwoReplicasWithBatchNormReachTheAccuracyOfOneDevice()
    {
        var train = FashionMnist.Slice(FashionMnist.Train, 0, 480);
        var validation = FashionMnist.Slice(FashionMnist.Train, 50_000, 200);
        var config = new TrainingConfig
        {
            Architecture = "small_cnn",
            InputChannels = 1,
            ImageSize = 12,
            Epochs = 3,
            BatchSize = 32,
            Lr = 3e-3,
            Dropout = 0,
            Augmentation = new AugmentationOptions(AugmentationPreset.None),
            Threads = 1,
            LoaderWorkers = 1,
            Seed = 3,
        };

        using var single = new Trainer(config).Run(train, validation);
        var observer = new RecordingObserver();
        // The same global batch of 32 split over two replicas: batch norm sees 16 images per replica, as under DDP.
        using var parallel = new Trainer(config with { Devices = "2", BatchSize = 16 }, new TrainingRunOptions { Observer = observer }).Run(train, validation);

        var started = Assert.Single(observer.Events.OfType<RunStarted>());
        Assert.Equal(["cpu", "cpu"], started.Devices);
        Assert.Equal(32, started.GlobalBatchSize);
        var lastEpoch = observer.Events.OfType<EpochCompleted>().Last().Metrics;
        Assert.Equal(2, lastEpoch.DeviceImagesPerSecond!.Count);
        Assert.All(lastEpoch.DeviceImagesPerSecond, rate => Assert.True(rate > 0));
        Assert.True(single.Report.Accuracy > 0.6, $"one device reached only {single.Report.Accuracy:P1}");
        Assert.True(parallel.Report.Accuracy >= single.Report.Accuracy - 0.01 - 1e-9,
            $"two replicas reached {parallel.Report.Accuracy:P1}, one device {single.Report.Accuracy:P1}");
    }

    private static TrainingConfig ResumeRun(string devices, int batchSize) => new()
    {
        Architecture = "small_cnn",
        InputChannels = 1,
        ImageSize = 8,
        Epochs = 2,
        BatchSize = batchSize,
        Devices = devices,
        Lr = 1e-2,
        Schedule = new ScheduleOptions(ScheduleKind.Cosine, EtaMin: 1e-4),
        Augmentation = new AugmentationOptions(AugmentationPreset.None),
        Threads = 1,
        LoaderWorkers = 1,
        Seed = 11,
    };

    /// <summary>Epoch 1 on <paramref name="before"/>, checkpoint, then epoch 2 resumed on <paramref name="after"/>.</summary>
    private (TrainingResult Result, RecordingObserver Resumed, LoadLedger Ledger) TrainAndResume(string name, TrainingConfig before, TrainingConfig after,
        ILabeledImageSource train, ILabeledImageSource validation)
    {
        var store = new LocalDirectoryCheckpointStore(Path.Combine(directory, name));
        using var cancellation = new CancellationTokenSource();
        var first = new Trainer(before, new TrainingRunOptions
        {
            CheckpointStore = store,
            ModelFactory = TestModels.Mlp,
            Observer = new RecordingObserver(e =>
            {
                if (e is CheckpointSaved { Epoch: 1 })
                {
                    cancellation.Cancel();
                }
            }),
        });
        Assert.ThrowsAny<OperationCanceledException>(() => first.Run(train, validation, cancellation.Token));
        var ledger = new LoadLedger(train);
        var observer = new RecordingObserver();
        var result = new Trainer(after, new TrainingRunOptions { CheckpointStore = store, ModelFactory = TestModels.Mlp, Observer = observer }).Run(ledger, validation);
        return (result, observer, ledger);
    }

    [Fact]
    public void ResumingOnAnotherReplicaCountContinuesTheRunWithEverySampleOnce()
    {
        var train = FashionMnist.Slice(FashionMnist.Train, 0, 48);
        var validation = FashionMnist.Slice(FashionMnist.Train, 50_000, 16);

        // Two replicas × 4 (global batch 8), then three replicas × 4 (global batch 12) ...
        var (parallel, resumed, ledger) = TrainAndResume("parallel", ResumeRun("2", 4), ResumeRun("3", 4), train, validation);
        // ... against one device with the same global batches: 8, then 12.
        var (single, _, _) = TrainAndResume("single", ResumeRun("1", 8), ResumeRun("1", 12), train, validation);
        using (parallel)
        using (single)
        {
            var started = Assert.Single(resumed.Events.OfType<RunStarted>());
            Assert.Equal(2, started.StartEpoch);
            Assert.Equal(12, started.GlobalBatchSize);
            Assert.Equal(8, started.ResumedFromGlobalBatchSize);
            Assert.Equal(Enumerable.Range(0, train.Count), ledger.Loads.Keys.Order());
            Assert.All(ledger.Loads.Values, count => Assert.Equal(1, count));
            // 6 steps of 8, then 4 of 12; the schedule ends where a run of 12 would: at η_min on the last step.
            Assert.Equal(10, parallel.Report.Steps);
            Assert.Equal(1e-4, resumed.Events.OfType<EpochCompleted>().Last().Metrics.LearningRate, 9);

            var expected = TestModels.Flatten(single.Model);
            var actual = TestModels.Flatten(parallel.Model);
            double largest = expected.Zip(actual, (a, b) => (double)Math.Abs(a - b)).Max();
            Assert.True(largest <= 1e-5, $"weights differ by up to {largest}");
        }
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
