using Platform.Training.Configuration;
using Platform.Training.Losses;
using Platform.Training.Mixing;
using static TorchSharp.torch;

namespace Platform.Training.Tests;

public sealed class MixupTests
{
    [Fact]
    public void Lambda_FollowsBetaAlphaAlpha()
    {
        var random = new Random(3);
        const double alpha = 0.4;

        var samples = Enumerable.Range(0, 20_000).Select(_ => BatchMixer.SampleBeta(alpha, random)).ToArray();

        double mean = samples.Average(), variance = samples.Select(x => (x - mean) * (x - mean)).Average();
        Assert.InRange(mean, 0.49, 0.51);
        // Var Beta(α, α) = 1 / (4(2α + 1)).
        Assert.InRange(variance, 1 / (4 * (2 * alpha + 1)) - 0.005, 1 / (4 * (2 * alpha + 1)) + 0.005);
        Assert.All(samples, x => Assert.InRange(x, 0, 1));
    }

    [Fact]
    public void Cutmix_PastesTheReversedSamplesBox_AndLambdaIsTheAreaOutsideIt()
    {
        using var scope = NewDisposeScope();
        var mixer = new BatchMixer(new MixupOptions(Alpha: 0, CutmixAlpha: 1.0), classes: 4, labelSmoothing: 0);
        var images = arange(4 * 1 * 8 * 8, dtype: ScalarType.Float32).reshape(4, 1, 8, 8);
        var labels = tensor(new long[] { 0, 1, 2, 3 });

        var mixed = mixer.Apply(images, labels, new Random(5));

        Assert.Equal(MixKind.Cutmix, mixed.Kind);
        var box = mixed.Box!.Value;
        Assert.Equal(1 - box.Area / 64.0, mixed.Lambda, 12);
        var reversed = images.flip(0);
        for (int row = 0; row < 8; row++)
        {
            for (int column = 0; column < 8; column++)
            {
                bool inside = row >= box.Top && row < box.Bottom && column >= box.Left && column < box.Right;
                var expected = (inside ? reversed : images)[.., .., row, column];
                Assert.True(mixed.Images[.., .., row, column].eq(expected).all().item<bool>());
            }
        }

        var expectedTargets = nn.functional.one_hot(labels, 4).to_type(ScalarType.Float32) * mixed.Lambda
                              + nn.functional.one_hot(labels.flip(0), 4).to_type(ScalarType.Float32) * (1 - mixed.Lambda);
        Assert.True(mixed.Targets.allclose(expectedTargets));
    }

    [Fact]
    public void Mixup_BlendsWithTheReversedBatch_AndSmoothedTargetsSumToOne()
    {
        using var scope = NewDisposeScope();
        var mixer = new BatchMixer(new MixupOptions(Alpha: 0.8, CutmixAlpha: 0), classes: 5, labelSmoothing: 0.1);
        var images = randn(6, 3, 4, 4);
        var labels = tensor(new long[] { 0, 1, 2, 3, 4, 0 });

        var mixed = mixer.Apply(images, labels, new Random(9));
        var again = mixer.Apply(images, labels, new Random(9));

        Assert.Equal(MixKind.Mixup, mixed.Kind);
        Assert.True(mixed.Images.allclose(images * mixed.Lambda + images.flip(0) * (1 - mixed.Lambda)));
        Assert.True(mixed.Targets.sum(1).allclose(ones(6)));
        // Label smoothing: the smallest entry is ε/K = 0.02 wherever neither label sits.
        Assert.Equal(0.02f, mixed.Targets.min().item<float>(), 5);
        Assert.True(again.Images.eq(mixed.Images).all().item<bool>() && again.Lambda == mixed.Lambda);
    }

    [Fact]
    public void SoftTargetCrossEntropy_OfUnmixedTargetsIsLabelSmoothedCrossEntropy()
    {
        using var scope = NewDisposeScope();
        var logits = randn(5, 4);
        var labels = tensor(new long[] { 0, 3, 1, 2, 3 });
        using var loss = new CrossEntropyLoss(labelSmoothing: 0.1);
        var mixer = new BatchMixer(new MixupOptions(), classes: 4, labelSmoothing: 0.1);

        var soft = loss.Compute(logits, mixer.SoftTargets(labels, lambda: 1)).item<float>();

        Assert.Equal(loss.Compute(logits, labels).item<float>(), soft, 5);
    }

    [Fact]
    public void OffEpochs_TurnMixingOffForTheLastEpochs_AndConfigChecksTheLoss()
    {
        var mixer = new BatchMixer(new MixupOptions(OffEpochs: 2), classes: 3, labelSmoothing: 0);

        Assert.Equal([true, true, true, false, false], Enumerable.Range(0, 5).Select(epoch => mixer.ActiveIn(epoch, 5)));
        Assert.Contains(new TrainingConfig { Mixup = new MixupOptions(), Loss = new LossOptions(LossKind.Focal) }.Validate(), v => v.Field == "mixup");
        Assert.Empty(new TrainingConfig { Mixup = new MixupOptions(OffEpochs: 3) }.Validate());
    }
}
