using Platform.Training.Configuration;
using Platform.Training.FineTuning;
using Platform.Training.Losses;
using Platform.Training.Models;
using Platform.Training.Optimization;
using Platform.Training.Precision;
using static TorchSharp.torch;

namespace Platform.Training.Tests;

public sealed class GradientClippingTests
{
    private static ImageClassifier Mlp()
    {
        random.manual_seed(3);
        var backbone = nn.Sequential(("flatten", nn.Flatten()), ("fc", nn.Linear(64, 16)), ("act", nn.Tanh()));
        return new ImageClassifier("mlp", backbone, 16, 3, dropout: 0);
    }

    /// <summary>Plain SGD at lr 1 without momentum or decay: the update is exactly the (clipped) gradient, so ‖Δw‖ is its norm.</summary>
    private static (double ReportedNorm, double UpdateNorm) OneStep(double? clipNorm)
    {
        using var scope = NewDisposeScope();
        var (images, labels) = TestModels.SeparableBatch(count: 12, side: 8);
        using var model = Mlp();
        using var loss = new CrossEntropyLoss(labelSmoothing: 0);
        using var optimizer = ParameterGroupOptimizer.Create(new OptimizerOptions(OptimizerKind.Sgd, Momentum: 0), lr: 1, weightDecay: 0,
            new FineTuneStrategy(new FineTuneOptions()).ParameterGroups(model));
        using var stepper = new TrainingStepper(model, NumericPrecision.Fp32);
        var before = TestModels.Flatten(model);
        var outcome = stepper.Step(images, labels, loss, optimizer, clipNorm);
        var after = TestModels.Flatten(model);
        return (outcome.GradientNorm, Math.Sqrt(before.Zip(after, (a, b) => (double)(a - b) * (a - b)).Sum()));
    }

    [Fact]
    public void ClippingScalesTheGradientToTheMaximumNormAndReportsTheNormBeforeClipping()
    {
        var (unclippedNorm, unclippedUpdate) = OneStep(clipNorm: null);
        Assert.True(unclippedNorm > 0.2, $"the test needs a gradient norm well above the clip (got {unclippedNorm})");
        Assert.Equal(unclippedNorm, unclippedUpdate, 3);

        double maxNorm = unclippedNorm / 4;
        var (reported, clippedUpdate) = OneStep(maxNorm);
        Assert.Equal(unclippedNorm, reported, 5);
        Assert.Equal(maxNorm, clippedUpdate, 3);
    }

    [Fact]
    public void AGradientBelowTheMaximumNormIsLeftAsItIs()
    {
        var (unclippedNorm, unclippedUpdate) = OneStep(clipNorm: null);
        var (_, update) = OneStep(unclippedNorm * 2);
        Assert.Equal(unclippedUpdate, update, 5);
    }
}
