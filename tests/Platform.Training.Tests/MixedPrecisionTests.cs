using Platform.Training.Configuration;
using Platform.Training.FineTuning;
using Platform.Training.Losses;
using Platform.Training.Models;
using Platform.Training.Optimization;
using Platform.Training.Precision;
using static TorchSharp.torch;

namespace Platform.Training.Tests;

public sealed class MixedPrecisionTests
{
    private static (List<double> Losses, List<StepOutcome> Outcomes) Train(TrainingStepper stepper, ParameterGroupOptimizer optimizer, int steps)
    {
        var losses = new List<double>();
        var outcomes = new List<StepOutcome>();
        using var loss = new CrossEntropyLoss();
        stepper.ComputeModel.train();
        for (int i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            var (images, labels) = TestModels.SeparableBatch();
            var outcome = stepper.Step(images, labels, loss, optimizer, clipNorm: 5);
            losses.Add(outcome.Loss.item<float>());
            outcomes.Add(outcome with { Loss = empty(0), Logits = empty(0) });
        }

        return (losses, outcomes);
    }

    private static ParameterGroupOptimizer Optimizer(ImageClassifier model) =>
        ParameterGroupOptimizer.Create(new OptimizerOptions(), 0.05, 0, new FineTuneStrategy(new FineTuneOptions()).ParameterGroups(model));

    [Theory]
    [InlineData(NumericPrecision.Fp16)]
    [InlineData(NumericPrecision.Bf16)]
    public void LowPrecisionTrainingReducesTheLossAndKeepsFp32Masters(NumericPrecision precision)
    {
        using var master = TestModels.Tiny();
        using var optimizer = Optimizer(master);
        var scaler = precision == NumericPrecision.Fp16 ? new DynamicLossScaler() : null;
        using var stepper = new TrainingStepper(master, precision, () => TestModels.Tiny(seed: 99), scaler);

        var (losses, _) = Train(stepper, optimizer, steps: 30);

        Assert.True(losses[^1] < losses[0] * 0.7, $"loss went from {losses[0]} to {losses[^1]}");
        Assert.All(master.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        // Under the policy only the convolution and linear weights of the compute model are low precision; batch norm stays fp32.
        Assert.All(stepper.ComputeModel.named_parameters(), p => Assert.Equal(p.name.Contains("bn", StringComparison.Ordinal) ? ScalarType.Float32 : stepper.ComputeType, p.parameter.dtype));
    }

    [Fact]
    public void Fp16OverflowSkipsTheStepAndHalvesTheScale()
    {
        using var master = TestModels.Tiny();
        using var optimizer = Optimizer(master);
        // 2^40 times any loss gradient overflows fp16 (max 65504) in the backward pass.
        var scaler = new DynamicLossScaler(initialScale: Math.Pow(2, 40));
        using var stepper = new TrainingStepper(master, NumericPrecision.Fp16, () => TestModels.Tiny(seed: 99), scaler);
        var before = TestModels.Flatten(master);

        var (_, outcomes) = Train(stepper, optimizer, steps: 1);

        Assert.True(outcomes[0].Skipped);
        Assert.False(double.IsFinite(outcomes[0].GradientNorm));
        Assert.Equal(Math.Pow(2, 39), scaler.Scale);
        Assert.Equal(1, scaler.SkippedSteps);
        Assert.Equal(before, TestModels.Flatten(master));
    }

    [Fact]
    public void ScaleRecoversFromOverflowAndTrainingContinues()
    {
        using var master = TestModels.Tiny();
        using var optimizer = Optimizer(master);
        var scaler = new DynamicLossScaler(initialScale: Math.Pow(2, 40));
        using var stepper = new TrainingStepper(master, NumericPrecision.Fp16, () => TestModels.Tiny(seed: 99), scaler);

        var (_, outcomes) = Train(stepper, optimizer, steps: 40);

        // The loss gradient per logit is at most 1/24 here, so scales up to about 2^20 fit fp16 (max 65504).
        Assert.Contains(outcomes, o => o.Skipped);
        Assert.False(outcomes[^1].Skipped);
        Assert.True(double.IsFinite(outcomes[^1].GradientNorm));
        Assert.InRange(scaler.Scale, 1, Math.Pow(2, 21));
    }

    [Fact]
    public void ScalerDoublesAfterGrowthIntervalFiniteSteps()
    {
        var scaler = new DynamicLossScaler(initialScale: 8, growthInterval: 3);

        Assert.True(scaler.Update(true));
        Assert.True(scaler.Update(true));
        Assert.Equal(8, scaler.Scale);
        Assert.True(scaler.Update(true));
        Assert.Equal(16, scaler.Scale);
        Assert.False(scaler.Update(false));
        Assert.Equal(8, scaler.Scale);
        Assert.Equal(0, scaler.GoodSteps);
    }
}
