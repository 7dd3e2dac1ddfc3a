using Platform.Imaging.Data;
using Platform.Training.Configuration;
using Platform.Training.Engine;
using Platform.Training.Models;
using static TorchSharp.torch;

namespace Platform.Training.Tests;

public sealed class DeviceSideFiguresTests
{
    private static ImageClassifier Mlp(TrainingConfig config, int classes)
    {
        random.manual_seed(config.Seed);
        var backbone = nn.Sequential(("flatten", nn.Flatten()), ("fc", nn.Linear(config.ImageSize * config.ImageSize, 16)), ("act", nn.GELU()));
        return new ImageClassifier("mlp", backbone, 16, classes, dropout: 0);
    }

    [Fact]
    public void FiguresKeptOnTheDeviceMatchFiguresReadEveryStep()
    {
        var train = FashionMnist.Slice(FashionMnist.Train, 0, 96);
        var validation = FashionMnist.Slice(FashionMnist.Train, 50_000, 16);
        var config = new TrainingConfig
        {
            Architecture = "small_cnn",
            InputChannels = 1,
            ImageSize = 8,
            Epochs = 2,
            BatchSize = 8,
            Lr = 0.05,
            GradientClipNorm = 0.5,
            Monitoring = new MonitoringOptions(LogEverySteps: 4),
            Augmentation = new AugmentationOptions(AugmentationPreset.None),
            Threads = 1,
            LoaderWorkers = 1,
        };

        (TrainingResult Result, RecordingObserver Observer) Run(bool everyStep)
        {
            var observer = new RecordingObserver();
            var result = new Trainer(config, new TrainingRunOptions { ModelFactory = Mlp, Observer = observer, SynchroniseEveryStep = everyStep }).Run(train, validation);
            return (result, observer);
        }

        var (deferred, deferredEvents) = Run(everyStep: false);
        var (everyStep, everyStepEvents) = Run(everyStep: true);
        using (deferred)
        using (everyStep)
        {
            Assert.Equal(TestModels.Flatten(everyStep.Model), TestModels.Flatten(deferred.Model));
            var expected = everyStepEvents.Events.OfType<EpochCompleted>().Select(e => e.Metrics).ToList();
            var actual = deferredEvents.Events.OfType<EpochCompleted>().Select(e => e.Metrics).ToList();
            Assert.Equal(expected.Select(m => (m.TrainLoss, m.TrainAccuracy, m.GradientNorm, m.MaxGradientNorm)),
                actual.Select(m => (m.TrainLoss, m.TrainAccuracy, m.GradientNorm, m.MaxGradientNorm)));
            Assert.True(actual[0].MaxGradientNorm > 0.5, "the run clipped some steps");
            var points = deferredEvents.Events.OfType<StepLogged>().ToList();
            Assert.Equal(6, points.Count);
            Assert.Equal(everyStepEvents.Events.OfType<StepLogged>().Select(p => (p.Step, p.TrainLoss, p.GradientNorm)), points.Select(p => (p.Step, p.TrainLoss, p.GradientNorm)));
            Assert.All(points, p => Assert.True(double.IsFinite(p.GradientNorm) && p.GradientNorm > 0));
        }
    }
}
