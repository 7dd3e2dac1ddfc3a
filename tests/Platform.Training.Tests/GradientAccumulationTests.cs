using Platform.Training.Configuration;
using Platform.Training.FineTuning;
using Platform.Training.Losses;
using Platform.Training.Models;
using Platform.Training.Optimization;
using Platform.Training.Precision;
using static TorchSharp.torch;

namespace Platform.Training.Tests;

public sealed class GradientAccumulationTests
{
    /// <summary>Flatten → Linear → GELU → Linear: no batch norm, so a batch's gradient is the mean of its micro-batches'.</summary>
    private static ImageClassifier Mlp(long seed)
    {
        random.manual_seed(seed);
        var backbone = nn.Sequential(("flatten", nn.Flatten()), ("fc", nn.Linear(64, 16)), ("act", nn.GELU()));
        return new ImageClassifier("mlp", backbone, 16, 3, dropout: 0);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void KMicroBatchesMakeTheStepOfOneBatchKTimesLarger(int k)
    {
        using var scope = NewDisposeScope();
        var (images, labels) = TestModels.SeparableBatch(count: 8 * k);
        using var loss = new CrossEntropyLoss(labelSmoothing: 0.1);
        using var whole = Mlp(seed: 4);
        using var accumulated = Mlp(seed: 4);
        using var wholeOptimizer = Optimizer(whole);
        using var accumulatedOptimizer = Optimizer(accumulated);
        using var wholeStepper = new TrainingStepper(whole, NumericPrecision.Fp32);
        using var accumulatedStepper = new TrainingStepper(accumulated, NumericPrecision.Fp32);

        for (int step = 0; step < 3; step++)
        {
            var wholeOutcome = wholeStepper.Step(images, labels, loss, wholeOptimizer, clipNorm: 0.5);
            StepOutcome? last = null;
            for (int i = 0; i < k; i++)
            {
                var part = TensorIndex.Slice(i * 8, (i + 1) * 8);
                last = accumulatedStepper.Accumulate(images[part], labels[part], loss, accumulatedOptimizer, clipNorm: 0.5, i, k);
                Assert.Equal(i == k - 1, last.Applied);
            }

            Assert.Equal(wholeOutcome.GradientNorm, last!.GradientNorm, 5);
        }

        var expected = TestModels.Flatten(whole);
        var actual = TestModels.Flatten(accumulated);
        double largest = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(largest <= 1e-5, $"weights differ by up to {largest}");
        Assert.True(expected.Zip(TestModels.Flatten(Mlp(seed: 4)), (a, b) => Math.Abs(a - b)).Max() > 1e-3, "the steps changed the weights");
    }

    [Fact]
    public void Config_RejectsAccumulationStepsBelowOne()
    {
        Assert.Contains(new TrainingConfig { AccumulationSteps = 0 }.Validate(), v => v.Field == "accumulationSteps");
    }

    private static ParameterGroupOptimizer Optimizer(ImageClassifier model) =>
        ParameterGroupOptimizer.Create(new OptimizerOptions(), 0.01, 0.05, new FineTuneStrategy(new FineTuneOptions()).ParameterGroups(model));
}
