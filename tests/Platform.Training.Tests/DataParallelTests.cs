using Platform.Training.Configuration;
using Platform.Training.FineTuning;
using Platform.Training.Losses;
using Platform.Training.Models;
using Platform.Training.Optimization;
using Platform.Training.Precision;
using static TorchSharp.torch;

namespace Platform.Training.Tests;

/// <summary>Several CPU replicas stand in for devices: the replica machinery is the same, only the copies are free.</summary>
public sealed class DataParallelTests
{
    /// <summary>Flatten → Linear → GELU → Linear: no batch norm, so a batch's gradient is the share-weighted sum of its slices'.</summary>
    private static ImageClassifier Mlp(long seed)
    {
        random.manual_seed(seed);
        var backbone = nn.Sequential(("flatten", nn.Flatten()), ("fc", nn.Linear(64, 16)), ("act", nn.GELU()));
        return new ImageClassifier("mlp", backbone, 16, 3, dropout: 0);
    }

    private static ParameterGroupOptimizer Optimizer(ImageClassifier model) =>
        ParameterGroupOptimizer.Create(new OptimizerOptions(), 0.01, 0.05, new FineTuneStrategy(new FineTuneOptions()).ParameterGroups(model));

    private static Device[] CpuReplicas(int count) => [.. Enumerable.Repeat(CPU, count)];

    private static double LargestDifference(IReadOnlyList<float> a, IReadOnlyList<float> b) => a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Max();

    [Theory]
    [InlineData(2, 12)]
    [InlineData(3, 13)]
    public void ReplicasGiveTheParametersOfOneDeviceOnTheSameGlobalBatches(int replicas, int globalBatch)
    {
        using var scope = NewDisposeScope();
        using var loss = new CrossEntropyLoss(labelSmoothing: 0.1);
        using var single = Mlp(seed: 4);
        using var parallel = Mlp(seed: 4);
        using var singleOptimizer = Optimizer(single);
        using var parallelOptimizer = Optimizer(parallel);
        using var singleStepper = new TrainingStepper(single, NumericPrecision.Fp32);
        // Replicas are built with other initial weights: the stepper must copy the master's into them.
        using var parallelStepper = new TrainingStepper(parallel, NumericPrecision.Fp32, () => Mlp(seed: 99), devices: CpuReplicas(replicas));

        for (int step = 0; step < 4; step++)
        {
            var (images, labels) = TestModels.SeparableBatch(count: globalBatch, seed: 10 + step);
            var expected = singleStepper.Step(images, labels, loss, singleOptimizer, clipNorm: 0.5);
            var actual = parallelStepper.Step(images, labels, loss, parallelOptimizer, clipNorm: 0.5);
            Assert.Equal(expected.Loss.item<float>(), actual.Loss.item<float>(), 5);
            Assert.Equal(expected.GradientNorm, actual.GradientNorm, 5);
            Assert.Equal(globalBatch, actual.Logits.shape[0]);
            for (int r = 1; r < replicas; r++)
            {
                for (int p = 0; p < parallelStepper.Parameters.Count; p++)
                {
                    Assert.True(parallelStepper.ReplicaParameter(r, p).allclose(parallelStepper.Parameters[p], rtol: 0, atol: 0), $"replica {r} parameter {p} diverged after step {step + 1}");
                }
            }
        }

        double largest = LargestDifference(TestModels.Flatten(single), TestModels.Flatten(parallel));
        Assert.True(largest <= 1e-5, $"weights differ by up to {largest}");
        Assert.True(LargestDifference(TestModels.Flatten(single), TestModels.Flatten(Mlp(seed: 4))) > 1e-3, "the steps changed the weights");
        var samples = parallelStepper.TakeReplicaSamples();
        Assert.Equal(replicas, samples.Length);
        Assert.Equal(4L * globalBatch, samples.Sum());
        Assert.True(samples.Max() - samples.Min() <= 4, $"slices differ by more than one sample a step: {string.Join(", ", samples)}");
    }

    [Fact]
    public void BatchNormRunningStatisticsAreAveragedAcrossReplicasIntoEveryCopy()
    {
        using var scope = NewDisposeScope();
        using var loss = new CrossEntropyLoss();
        using var master = TestModels.Tiny(seed: 3);
        using var optimizer = Optimizer(master);
        using var stepper = new TrainingStepper(master, NumericPrecision.Fp32, () => TestModels.Tiny(seed: 8), devices: CpuReplicas(2));
        foreach (var replica in stepper.ComputeModels)
        {
            replica.train();
        }

        // The two halves differ in brightness, so each replica's batch statistics, and so its running mean, differ.
        var (images, labels) = TestModels.SeparableBatch(count: 12);
        images[TensorIndex.Slice(6, 12)].add_(2.0);
        stepper.Step(images, labels, loss, optimizer, clipNorm: null);
        var meanOf = (ImageClassifier model) => model.buffers().First().detach().clone();
        var first = meanOf(stepper.ComputeModels[0]);
        var second = meanOf(stepper.ComputeModels[1]);
        Assert.True(first.sub(second).abs().max().item<float>() > 0.05f, "the replicas saw different statistics");

        stepper.ReduceBuffers();
        var expected = first.add(second).div(2);
        Assert.True(meanOf(master).allclose(expected, rtol: 0, atol: 1e-6));
        Assert.True(meanOf(stepper.ComputeModels[1]).allclose(meanOf(master), rtol: 0, atol: 0));
    }

    [Fact]
    public void AnOverflowOnOneFp16ReplicaSkipsTheStepOnAll()
    {
        using var scope = NewDisposeScope();
        using var loss = new CrossEntropyLoss();
        using var master = TestModels.Tiny(seed: 3);
        using var optimizer = Optimizer(master);
        var scaler = new DynamicLossScaler(initialScale: 65536, growthInterval: 1000);
        using var stepper = new TrainingStepper(master, NumericPrecision.Fp16, () => TestModels.Tiny(seed: 8), scaler, CpuReplicas(2));
        foreach (var replica in stepper.ComputeModels)
        {
            replica.train();
        }

        var before = TestModels.Flatten(master);
        var (images, labels) = TestModels.SeparableBatch(count: 12);
        // Only the second replica's slice is extreme: its fp16 forward overflows, the first's does not.
        images[TensorIndex.Slice(6, 12)].mul_(6e4);
        var outcome = stepper.Step(images, labels, loss, optimizer, clipNorm: null);

        Assert.True(outcome.Skipped);
        Assert.False(double.IsFinite(outcome.GradientNorm));
        Assert.Equal(32768, scaler.Scale);
        Assert.Equal(before, TestModels.Flatten(master));
        // Every replica still holds the master's weights, in fp16 where the policy keeps them so (convolutions, linear layers).
        foreach (var replica in stepper.ComputeModels)
        {
            foreach (var (masterWeight, replicaWeight) in master.parameters().Zip(replica.parameters()))
            {
                Assert.Equal(masterWeight.to_type(replicaWeight.dtype).to_type(ScalarType.Float32).data<float>().ToArray(),
                    replicaWeight.to_type(ScalarType.Float32).data<float>().ToArray());
            }
        }
    }
}
