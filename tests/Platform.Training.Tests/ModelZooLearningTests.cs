using Platform.Training.Configuration;
using Platform.Training.Engine;
using TorchSharp;
using Xunit.Abstractions;

namespace Platform.Training.Tests;

/// <summary>
/// The reduced Swin and ConvNeXt learn real images (a few dozen Fashion-MNIST pictures, three short epochs, held-out accuracy far
/// above the 10 % of chance) and keep no tensor alive from one epoch to the next (MemoryTests' count, on the same run).
/// </summary>
public sealed class ModelZooLearningTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("swin_atto", 32)]
    [InlineData("convnext_atto", 32)]
    public void Reduced_architecture_learns_fashion_mnist_above_chance_with_flat_live_tensors(string architecture, int imageSize)
    {
        var config = new TrainingConfig
        {
            Architecture = architecture,
            InputChannels = 1,
            ImageSize = imageSize,
            Epochs = 3,
            BatchSize = 16,
            Lr = 5e-3,
            WeightDecay = 0.05,
            Dropout = 0,
            // The architectures' default stochastic depth runs too, so its masks are part of what must not leak.
            Schedule = new ScheduleOptions(ScheduleKind.Cosine, WarmupSteps: 3),
            Augmentation = new AugmentationOptions(AugmentationPreset.None),
            Threads = 1,
            LoaderWorkers = 1,
            Seed = 3,
        };
        var liveTensors = new List<long>();
        var observer = new RecordingObserver(e =>
        {
            if (e is EpochCompleted)
            {
                liveTensors.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            }
        });
        // 3 epochs × 96 images: 18 steps of 16; about 5 s of one core for swin_atto, less for convnext_atto (process CPU time).
        var train = FashionMnist.Slice(FashionMnist.Train, 0, 96);
        var heldOut = FashionMnist.Slice(FashionMnist.Test, 0, 50);

        using var result = new Trainer(config, new TrainingRunOptions { Observer = observer }).Run(train, heldOut);

        var report = result.Report;
        var summary = $"{architecture} at {imageSize} px: held-out accuracy {report.Accuracy:P1} after {report.Steps} steps, "
                      + $"{report.History.Sum(e => e.TrainSeconds):F1} s of training; live tensors per epoch [{string.Join(", ", liveTensors)}]";
        output.WriteLine(summary);
        // Chance is 10 % ± 4.2 % on 50 images; 30 % is almost five standard deviations above it.
        Assert.True(report.Accuracy >= 0.3, summary);
        // Epoch 1 creates the optimizer state; every later epoch must end with the same count.
        Assert.All(liveTensors.Skip(2), count => Assert.Equal(liveTensors[1], count));
    }
}
