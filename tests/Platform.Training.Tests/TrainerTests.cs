using Platform.Imaging.Data;
using Platform.Training.Checkpoints;
using Platform.Training.Configuration;
using Platform.Training.Engine;
using Platform.Training.Models;
using TorchSharp;
using static TorchSharp.torch;
using Platform.Imaging.Formats.Data;

namespace Platform.Training.Tests;

public sealed class TrainerTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("training-tests-").FullName;

    /// <summary>small_cnn on a few hundred Fashion-MNIST images, one thread: fast and deterministic.</summary>
    private static TrainingConfig SmallRun(int epochs = 2) => new()
    {
        Architecture = "small_cnn",
        InputChannels = 1,
        ImageSize = 28,
        Epochs = epochs,
        BatchSize = 32,
        Lr = 2e-3,
        Dropout = 0.2,
        Schedule = new ScheduleOptions(ScheduleKind.Cosine, WarmupSteps: 5),
        Augmentation = new AugmentationOptions(AugmentationPreset.Light),
        Threads = 1,
        LoaderWorkers = 1,
        Seed = 5,
    };

    private static readonly Lazy<(SubsetSource Train, SubsetSource Validation)> SmallData =
        new(() => (FashionMnist.Slice(FashionMnist.Train, 0, 320), FashionMnist.Slice(FashionMnist.Train, 50_000, 96)));

    private static float[] Weights(nn.Module model) =>
        model.state_dict().Values.SelectMany(t => t.to_type(ScalarType.Float32).cpu().data<float>().ToArray()).ToArray();

    [Fact]
    public void ResumingAfterTwoEpochsMatchesFourUninterruptedEpochs()
    {
        var config = SmallRun(epochs: 4);
        var (train, validation) = SmallData.Value;
        using var uninterrupted = new Trainer(config).Run(train, validation);

        var store = new LocalDirectoryCheckpointStore(Path.Combine(directory, "resume"));
        using var cancellation = new CancellationTokenSource();
        var firstHalf = new Trainer(config, new TrainingRunOptions
        {
            CheckpointStore = store,
            Observer = new RecordingObserver(e =>
            {
                if (e is CheckpointSaved { Epoch: 2 })
                {
                    cancellation.Cancel();
                }
            }),
        });
        Assert.ThrowsAny<OperationCanceledException>(() => firstHalf.Run(train, validation, cancellation.Token));
        var resumedObserver = new RecordingObserver();
        using var resumed = new Trainer(config, new TrainingRunOptions { CheckpointStore = store, Observer = resumedObserver }).Run(train, validation);

        Assert.Equal(3, Assert.Single(resumedObserver.Events.OfType<RunStarted>()).StartEpoch);
        Assert.Equal(2, resumedObserver.Events.OfType<EpochCompleted>().Count());
        Assert.Equal(uninterrupted.Report.Steps, resumed.Report.Steps);
        var expected = Weights(uninterrupted.Model);
        var actual = Weights(resumed.Model);
        Assert.Equal(expected.Length, actual.Length);
        double largestDifference = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(largestDifference <= 1e-6, $"weights differ by up to {largestDifference}");
    }

    [Fact]
    public void RunReportsEventsMetricsAndAFinalReport()
    {
        var observer = new RecordingObserver();
        var (train, validation) = SmallData.Value;
        string tensorBoard = Path.Combine(directory, "tb");

        using var result = new Trainer(SmallRun(), new TrainingRunOptions
        {
            Observer = observer,
            CheckpointStore = new LocalDirectoryCheckpointStore(Path.Combine(directory, "events")),
            TensorBoardDirectory = tensorBoard,
        }).Run(train, validation);

        Assert.IsType<RunStarted>(observer.Events[0]);
        Assert.IsType<RunCompleted>(observer.Events[^1]);
        var started = (RunStarted)observer.Events[0];
        Assert.Equal("cpu", started.Device);
        Assert.Equal(1, started.Threads);
        Assert.Equal(started.TotalParameters, started.TrainableParameters);
        var epochs = observer.Events.OfType<EpochCompleted>().Select(e => e.Metrics).ToList();
        Assert.Equal([1, 2], epochs.Select(m => m.Epoch));
        Assert.All(epochs, m =>
        {
            Assert.InRange(m.TrainAccuracy, 0, 1);
            Assert.NotNull(m.TrainTop5Accuracy);
            Assert.NotNull(m.ValidationTop5Accuracy);
            Assert.True(m.GradientNorm > 0 && m.MaxGradientNorm >= m.GradientNorm);
            Assert.True(m.ImagesPerSecond > 0);
            Assert.Equal(m.Epoch * 10, m.Step);
        });
        Assert.True(epochs[1].ValidationLoss < epochs[0].ValidationLoss + 0.5);
        var report = result.Report;
        Assert.Equal(10, report.PerClass.Count);
        Assert.Equal(validation.Count, report.ConfusionMatrix.Sum(row => row.Sum()));
        Assert.Equal(validation.Count, report.PerClass.Sum(c => c.Support));
        Assert.Equal(epochs[1].ValidationAccuracy, report.Accuracy, 12);
        Assert.Equal(StopReason.Completed, report.StopReason);
        Assert.False(result.Model.training);
        Assert.InRange(report.BestEpoch, 1, 2);
        Assert.Contains(observer.Events.OfType<CheckpointSaved>(), c => c.IsBest);
        Assert.NotEmpty(Directory.GetFiles(tensorBoard, "events.out.tfevents*", SearchOption.AllDirectories));
    }

    [Fact]
    public void CheckpointsKeepTheBestAndTheLastK()
    {
        var store = new LocalDirectoryCheckpointStore(Path.Combine(directory, "keep"));
        var (train, validation) = SmallData.Value;
        var config = SmallRun(epochs: 3) with { Checkpoint = new CheckpointOptions(KeepLast: 2) };

        using var result = new Trainer(config, new TrainingRunOptions { CheckpointStore = store }).Run(train, validation);

        Assert.Equal(["best", "epoch-0002", "epoch-0003"], store.List());
        using var stream = store.OpenRead("epoch-0003")!;
        var manifest = CheckpointFile.ReadManifest(stream);
        Assert.Equal(3, manifest.EpochsCompleted);
        Assert.Equal(config.ToJson(), manifest.Config.ToJson());
        Assert.Equal(IdxDataset.FashionMnistClasses, manifest.Classes);
        Assert.Equal(3, manifest.History.Count);
    }

    [Fact]
    public void EarlyStoppingEndsTheRunWhenTheMetricStopsImproving()
    {
        var (train, validation) = SmallData.Value;
        // No epoch can beat the first one's accuracy by more than 1, so the second epoch exhausts a patience of 1.
        var config = SmallRun(epochs: 5) with { EarlyStopping = new EarlyStoppingOptions(MonitoredMetric.ValAccuracy, Patience: 1, MinDelta: 1) };

        using var result = new Trainer(config).Run(train, validation);

        Assert.Equal(StopReason.EarlyStopped, result.Report.StopReason);
        Assert.Equal(2, result.Report.EpochsCompleted);
    }

    [Fact]
    public void CancellationBeforeTheFirstBatchTakesNoStep()
    {
        var (train, validation) = SmallData.Value;
        using var cancellation = new CancellationTokenSource();
        var observer = new RecordingObserver(e =>
        {
            if (e is RunStarted)
            {
                cancellation.Cancel();
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(() => new Trainer(SmallRun(), new TrainingRunOptions { Observer = observer }).Run(train, validation, cancellation.Token));

        var cancelled = Assert.IsType<RunCancelled>(observer.Events[^1]);
        Assert.Equal(0, cancelled.Step);
        Assert.Equal(1, cancelled.Epoch);
    }

    [Fact]
    public void CancellationDuringARunStopsBeforeTheNextBatch()
    {
        var (train, validation) = SmallData.Value;
        using var cancellation = new CancellationTokenSource();
        var observer = new RecordingObserver(e =>
        {
            if (e is EpochCompleted)
            {
                cancellation.Cancel();
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(() => new Trainer(SmallRun(epochs: 3), new TrainingRunOptions { Observer = observer }).Run(train, validation, cancellation.Token));

        var epoch = Assert.Single(observer.Events.OfType<EpochCompleted>()).Metrics;
        var cancelled = Assert.IsType<RunCancelled>(observer.Events[^1]);
        Assert.Equal(epoch.Step, cancelled.Step);
        Assert.Equal(2, cancelled.Epoch);
    }

    [Fact]
    public void ConfigurationIsValidatedBeforeTraining()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Trainer(SmallRun() with { Architecture = "nope", BatchSize = 0 }));

        Assert.Contains("architecture", ex.Message);
        Assert.Contains("batchSize", ex.Message);
    }

    [Fact]
    public void DeviceSelectionFallsBackToCpuAndRefusesMissingCuda()
    {
        Assert.Equal(DeviceType.CPU, TorchRuntime.SelectDevice(DevicePreference.Cpu).type);
        if (cuda.is_available())
        {
            Assert.Equal(DeviceType.CUDA, TorchRuntime.SelectDevice(DevicePreference.Auto).type);
            Assert.Equal(DeviceType.CUDA, TorchRuntime.SelectDevice(DevicePreference.Cuda).type);
        }
        else
        {
            Assert.Equal(DeviceType.CPU, TorchRuntime.SelectDevice(DevicePreference.Auto).type);
            Assert.Contains("CUDA is not available", Assert.Throws<InvalidOperationException>(() => TorchRuntime.SelectDevice(DevicePreference.Cuda)).Message);
        }
    }

    [Theory]
    [InlineData(NumericPrecision.Fp16)]
    [InlineData(NumericPrecision.Bf16)]
    public void LowPrecisionRunKeepsAnFp32ModelAndReportsTheLossScale(NumericPrecision precision)
    {
        var (train, validation) = SmallData.Value;
        var observer = new RecordingObserver();
        var config = SmallRun(epochs: 1) with { Precision = precision };

        using var result = new Trainer(config, new TrainingRunOptions { Observer = observer })
            .Run(FashionMnist.Slice(FashionMnist.Train, 0, 64), FashionMnist.Slice(FashionMnist.Train, 50_000, 32));

        var metrics = Assert.Single(observer.Events.OfType<EpochCompleted>()).Metrics;
        Assert.All(result.Model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.True(double.IsFinite(metrics.TrainLoss) && double.IsFinite(metrics.ValidationLoss));
        Assert.Equal(precision == NumericPrecision.Fp16, metrics.LossScale is not null);
    }

    [Theory]
    [InlineData(SamplerKind.Shuffle, 240 / 32)]
    [InlineData(SamplerKind.Oversample, 96 * 10 / 32)]
    [InlineData(SamplerKind.Undersample, 16 * 10 / 32)]
    public void ResamplingSamplersSetTheEpochToEqualClassCounts(SamplerKind sampler, int expectedSteps)
    {
        // Class 0 has 96 images, the nine others 16 each.
        var labels = Enumerable.Range(0, 20_000).Select(i => (Index: i, Label: FashionMnist.Train.GetLabel(i))).ToList();
        var indices = labels.GroupBy(sample => sample.Label)
            .SelectMany(group => group.Take(group.Key == 0 ? 96 : 16).Select(sample => sample.Index)).ToArray();
        var train = new SubsetSource(FashionMnist.Train, indices);
        var observer = new RecordingObserver();

        using var result = new Trainer(SmallRun(epochs: 1) with { Sampler = sampler }, new TrainingRunOptions { Observer = observer })
            .Run(train, FashionMnist.Slice(FashionMnist.Train, 50_000, 32));

        Assert.Equal(expectedSteps, Assert.Single(observer.Events.OfType<EpochCompleted>()).Metrics.Step);
    }

    [Fact]
    public void StagedRunFreezesTheBackboneForTheHeadEpochsOnly()
    {
        var (train, validation) = SmallData.Value;
        var observer = new RecordingObserver();
        var config = SmallRun(epochs: 2) with
        {
            FineTune = new FineTuneOptions(FineTuneMode.Staged, HeadEpochs: 1, BackboneLrFactor: 0.1),
            Sampler = SamplerKind.ClassBalanced,
        };

        using var result = new Trainer(config, new TrainingRunOptions { Observer = observer }).Run(train, validation);

        var started = Assert.Single(observer.Events.OfType<RunStarted>());
        var epochs = observer.Events.OfType<EpochCompleted>().Select(e => e.Metrics).ToList();
        Assert.True(started.TrainableParameters < started.TotalParameters);
        Assert.Equal([true, false], epochs.Select(m => m.BackboneFrozen));
        Assert.All(result.Model.parameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void FeatureExtractionRunLeavesTheBackboneAsInitialised()
    {
        var (train, validation) = SmallData.Value;
        var config = SmallRun(epochs: 1) with { FineTune = new FineTuneOptions(FineTuneMode.FeatureExtraction) };
        TorchRuntime.Seed(config.Seed);
        using var initial = ModelRegistry.Create(config.Architecture, config.ModelOptionsFor(10));

        using var result = new Trainer(config).Run(train, validation);

        Assert.Equal(Weights(initial.Backbone), Weights(result.Model.Backbone));
        Assert.NotEqual(Weights(initial.Head), Weights(result.Model.Head));
    }

    [Fact]
    public void ThreadsComeFromConfigurationElseEnvironmentElseAFirstGuessOfEveryCoreForCpuReplicas()
    {
        int before = get_num_threads();
        try
        {
            Assert.Equal(3, TorchRuntime.ConfigureThreads(3));
            Assert.Equal(3, get_num_threads());
            int? fromEnvironment = int.TryParse(Environment.GetEnvironmentVariable(TorchRuntime.ThreadsVariable), out int value) && value > 0 ? value : null;
            // GPU replicas only: the cores the loader workers leave, at least 1.
            Assert.Equal(fromEnvironment ?? 1, TorchRuntime.ConfigureThreads(null, loaderWorkers: Environment.ProcessorCount + 1, cpuReplicas: 0));
            // CPU replicas: every core shared among them until the engine has measured the loader (ThreadRuleTests).
            Assert.Equal(fromEnvironment ?? Environment.ProcessorCount, TorchRuntime.ConfigureThreads(null, loaderWorkers: 2, cpuReplicas: 1));
        }
        finally
        {
            set_num_threads(before);
        }
    }

    [Fact]
    public void ResumeRefusesACheckpointOfAnotherArchitecture()
    {
        var (train, validation) = SmallData.Value;
        var store = new LocalDirectoryCheckpointStore(Path.Combine(directory, "mismatch"));
        using (new Trainer(SmallRun(epochs: 1), new TrainingRunOptions { CheckpointStore = store }).Run(train, validation))
        {
        }

        var observer = new RecordingObserver();
        var other = SmallRun(epochs: 2) with { Architecture = "resnet18_small" };
        var ex = Assert.Throws<InvalidOperationException>(() =>
            new Trainer(other, new TrainingRunOptions { CheckpointStore = store, Observer = observer }).Run(train, validation));

        Assert.Contains("small_cnn", ex.Message);
        Assert.IsType<RunFailed>(Assert.Single(observer.Events));
    }

    [Fact]
    public void EmptySourceIsRejected()
    {
        var (train, _) = SmallData.Value;

        var ex = Assert.Throws<ArgumentException>(() => new Trainer(SmallRun()).Run(train, new SubsetSource(train, [])));

        Assert.Contains("validation 0", ex.Message);
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
