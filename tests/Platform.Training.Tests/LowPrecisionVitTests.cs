using Platform.Training.Checkpoints;
using Platform.Training.Configuration;
using Platform.Training.Engine;
using Platform.Training.Models;
using static TorchSharp.torch;

namespace Platform.Training.Tests;

/// <summary>fp16 and bf16 on a small ViT through the engine (CPU; libtorch 2.10's CPU kernels run both, slowly).</summary>
public sealed class LowPrecisionVitTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("low-precision-vit-").FullName;

    /// <summary>Patch 4 on 8 px: 4 tokens and a class token, width 32, two blocks, two heads.</summary>
    private static ImageClassifier SmallVit(TrainingConfig config, int classes)
    {
        random.manual_seed(config.Seed);
        return new ImageClassifier("vit_micro", new VisionTransformerBackbone(config.InputChannels, config.ImageSize, 4, 32, 2, 2), 32, classes, dropout: 0);
    }

    private static TrainingConfig VitRun(NumericPrecision precision, int epochs) => new()
    {
        Architecture = "small_cnn",
        InputChannels = 1,
        ImageSize = 8,
        Epochs = epochs,
        BatchSize = 8,
        Lr = 3e-3,
        Precision = precision,
        // A short growth interval makes the scale move during the run: what a resume must restore exactly.
        LossScaling = new LossScalingOptions(InitialScale: 65536, GrowthInterval: 3),
        Augmentation = new AugmentationOptions(AugmentationPreset.None),
        Threads = 1,
        LoaderWorkers = 1,
        Seed = 9,
    };

    private static readonly Lazy<(Imaging.Data.SubsetSource Train, Imaging.Data.SubsetSource Validation)> Data =
        new(() => (FashionMnist.Slice(FashionMnist.Train, 0, 48), FashionMnist.Slice(FashionMnist.Train, 50_000, 16)));

    [Theory]
    [InlineData(NumericPrecision.Fp16)]
    [InlineData(NumericPrecision.Bf16)]
    public void ASmallVitTrainsWithFiniteLossInLowPrecision(NumericPrecision precision)
    {
        var (train, validation) = Data.Value;
        var observer = new RecordingObserver();
        using var result = new Trainer(VitRun(precision, epochs: 3), new TrainingRunOptions { ModelFactory = SmallVit, Observer = observer }).Run(train, validation);

        var epochs = observer.Events.OfType<EpochCompleted>().Select(e => e.Metrics).ToList();
        Assert.Equal(3, epochs.Count);
        Assert.All(epochs, m => Assert.True(double.IsFinite(m.TrainLoss) && double.IsFinite(m.ValidationLoss), $"epoch {m.Epoch}: {m.TrainLoss} / {m.ValidationLoss}"));
        Assert.True(epochs[^1].TrainLoss < epochs[0].TrainLoss, $"the loss went from {epochs[0].TrainLoss} to {epochs[^1].TrainLoss}");
        Assert.True(epochs.Sum(m => m.SkippedSteps) < result.Report.Steps, "some steps were applied");
        Assert.All(TestModels.Flatten(result.Model), w => Assert.True(float.IsFinite(w)));
    }

    [Fact]
    public void ACheckpointedLossScalerResumesToTheSameScaleAndParameters()
    {
        var (train, validation) = Data.Value;
        var config = VitRun(NumericPrecision.Fp16, epochs: 4);
        var uninterruptedObserver = new RecordingObserver();
        using var uninterrupted = new Trainer(config, new TrainingRunOptions { ModelFactory = SmallVit, Observer = uninterruptedObserver }).Run(train, validation);

        var store = new LocalDirectoryCheckpointStore(Path.Combine(directory, "resume"));
        using var cancellation = new CancellationTokenSource();
        var firstHalf = new Trainer(config, new TrainingRunOptions
        {
            CheckpointStore = store,
            ModelFactory = SmallVit,
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
        using var resumed = new Trainer(config, new TrainingRunOptions { CheckpointStore = store, ModelFactory = SmallVit, Observer = resumedObserver }).Run(train, validation);

        var expected = uninterruptedObserver.Events.OfType<EpochCompleted>().Select(e => e.Metrics).ToList();
        var actual = resumedObserver.Events.OfType<EpochCompleted>().Select(e => e.Metrics).ToList();
        // 6 steps an epoch and growth every 3 finite steps: the scale has moved by the checkpoint.
        Assert.NotEqual(65536, expected[1].LossScale);
        Assert.Equal(expected[2..].Select(m => (m.LossScale, m.SkippedSteps)), actual.Select(m => (m.LossScale, m.SkippedSteps)));
        Assert.Equal(TestModels.Flatten(uninterrupted.Model), TestModels.Flatten(resumed.Model));
    }

    public void Dispose() => Directory.Delete(directory, recursive: true);
}
