using Platform.Training.Configuration;
using Platform.Training.Losses;
using static TorchSharp.torch;

namespace Platform.Training.Tests;

public sealed class LossTests
{
    // One sample with logits (2, 1, 0): softmax denominator Z = e² + e¹ + e⁰ = 11.10734, so
    // log p = (2, 1, 0) − ln Z = (−0.40761, −1.40761, −2.40761).
    private static readonly double LogZ = Math.Log(Math.Exp(2) + Math.Exp(1) + 1);
    private static readonly double[] LogP = [2 - LogZ, 1 - LogZ, 0 - LogZ];

    private static double Loss(ClassificationLoss loss, float[] logits, long[] targets)
    {
        using var scope = NewDisposeScope();
        var l = tensor(logits).view(targets.Length, -1);
        return loss.Compute(l, tensor(targets)).item<float>();
    }

    [Fact]
    public void CrossEntropyIsMinusLogProbabilityOfTheTarget()
    {
        using var loss = new CrossEntropyLoss();

        Assert.Equal(-LogP[0], Loss(loss, [2, 1, 0], [0]), 5);
        Assert.Equal(-LogP[2], Loss(loss, [2, 1, 0], [2]), 5);
    }

    [Fact]
    public void LabelSmoothingMixesTargetAndUniformTerms()
    {
        // q = 0.9·onehot(0) + 0.1/3 everywhere: loss = 0.9·(−log p0) + 0.1·mean_c(−log p_c) = 0.50761.
        const double epsilon = 0.1;
        double expected = (1 - epsilon) * -LogP[0] + epsilon * -(LogP.Sum() / 3);
        using var loss = new CrossEntropyLoss(epsilon);

        Assert.Equal(0.50761, expected, 5);
        Assert.Equal(expected, Loss(loss, [2, 1, 0], [0]), 5);
    }

    [Fact]
    public void LabelSmoothingMatchesLibtorch()
    {
        using var scope = NewDisposeScope();
        var logits = randn(6, 4, generator: new Generator(3));
        var targets = tensor(new long[] { 0, 1, 2, 3, 1, 2 });
        using var loss = new CrossEntropyLoss(0.2);

        double reference = nn.functional.cross_entropy(logits, targets, label_smoothing: 0.2).item<float>();

        Assert.Equal(reference, loss.Compute(logits, targets).item<float>(), 5);
    }

    [Fact]
    public void WeightedCrossEntropyIsTheWeightedMeanOverTargets()
    {
        // Two samples with logits (2, 1, 0), targets 0 and 2, weights w = (2, 1, 0.5):
        // (w0·(−log p0) + w2·(−log p2)) / (w0 + w2) = (2·0.40761 + 0.5·2.40761) / 2.5 = 0.80761.
        double expected = (2 * -LogP[0] + 0.5 * -LogP[2]) / 2.5;
        using var loss = new CrossEntropyLoss(classWeights: [2, 1, 0.5]);

        Assert.Equal(0.80761, expected, 5);
        Assert.Equal(expected, Loss(loss, [2, 1, 0, 2, 1, 0], [0, 2]), 5);
    }

    [Fact]
    public void InverseFrequencyWeightsAreSamplesOverClassesTimesCount()
    {
        // n = 40, K = 2: w = (40 / (2·10), 40 / (2·30)) = (2, 0.6667).
        // n = 30, K = 3 with an empty class: (30 / (3·10), 30 / (3·20), 0) = (1, 0.5, 0).
        Assert.Equal([2.0, 40.0 / 60], ClassWeights.InverseFrequency([10, 30]));
        Assert.Equal([1.0, 0.5, 0.0], ClassWeights.InverseFrequency([10, 20, 0]));
    }

    [Fact]
    public void FocalLossDownWeightsByOneMinusPtToTheGamma()
    {
        // p_t = e^(−0.40761) = 0.66524; FL = −α (1 − p_t)^γ log p_t = 0.25 · 0.33476² · 0.40761 = 0.011419.
        double pt = Math.Exp(LogP[0]);
        double expected = -0.25 * Math.Pow(1 - pt, 2) * LogP[0];
        using var loss = new FocalLoss(gamma: 2, alpha: 0.25);

        Assert.Equal(0.011419, expected, 6);
        Assert.Equal(expected, Loss(loss, [2, 1, 0], [0]), 6);
    }

    [Fact]
    public void FocalLossWithPerClassAlphaUsesTheTargetsAlpha()
    {
        // Targets 0 and 1 with α = (0.5, 3, 1), γ = 1: mean of 0.5·(1 − p0)·(−log p0) and 3·(1 − p1)·(−log p1).
        double p0 = Math.Exp(LogP[0]), p1 = Math.Exp(LogP[1]);
        double expected = (0.5 * (1 - p0) * -LogP[0] + 3 * (1 - p1) * -LogP[1]) / 2;
        using var loss = new FocalLoss(gamma: 1, classAlpha: [0.5, 3, 1]);

        Assert.Equal(expected, Loss(loss, [2, 1, 0, 2, 1, 0], [0, 1]), 5);
    }

    [Fact]
    public void FocalLossWithGammaZeroIsCrossEntropy()
    {
        using var focal = new FocalLoss(gamma: 0);
        using var crossEntropy = new CrossEntropyLoss();

        Assert.Equal(Loss(crossEntropy, [0.3f, -1, 2, 1, 1, 1], [1, 2]), Loss(focal, [0.3f, -1, 2, 1, 1, 1], [1, 2]), 6);
    }

    [Fact]
    public void FactoryBuildsWeightedCrossEntropyFromClassCounts()
    {
        using var loss = LossFactory.Create(new LossOptions(LossKind.WeightedCrossEntropy), [10, 30]);

        var weighted = Assert.IsType<CrossEntropyLoss>(loss);
        Assert.Equal([2.0, 0.6667], weighted.ClassWeights!.Select(w => Math.Round(w, 4)));
    }
}
