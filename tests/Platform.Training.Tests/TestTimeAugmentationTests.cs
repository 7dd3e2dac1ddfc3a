using Platform.Imaging.Transforms;
using Platform.Training.Configuration;
using Platform.Training.Engine;
using static TorchSharp.torch;

namespace Platform.Training.Tests;

public sealed class TestTimeAugmentationTests
{
    [Fact]
    public void Flip_averaging_gives_the_mean_of_the_two_views_probabilities_as_logits()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var logits = randn(5, 7).mul(4);
        var mirrored = randn(5, 7).mul(4);

        var averaged = FlipAveraging.LogMeanProbabilities(logits, mirrored);

        var expected = logits.softmax(1).add(mirrored.softmax(1)).div(2).data<float>().ToArray();
        Assert.Equal(expected, averaged.exp().data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-6f);
        // Used as logits, they give the mean back.
        Assert.Equal(expected, averaged.softmax(1).data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-6f);
        Assert.Equal(new long[] { 2, 1, 0, 5, 4, 3 }, FlipAveraging.Mirror(arange(6).reshape(1, 1, 2, 3)).data<long>().ToArray());
    }

    [Fact]
    public void Validation_with_tta_flip_scores_the_mean_of_each_image_and_its_mirror_image()
    {
        var config = new TrainingConfig
        {
            Architecture = "small_cnn", InputChannels = 1, ImageSize = 28, Epochs = 1, BatchSize = 32, Lr = 2e-3,
            Augmentation = new AugmentationOptions(AugmentationPreset.None), Tta = TestTimeAugmentation.Flip,
            Export = new ExportOptions(ExportWeights.Last), Threads = 1, LoaderWorkers = 1, Seed = 5,
        };
        var train = FashionMnist.Slice(FashionMnist.Train, 0, 64);
        var validation = FashionMnist.Slice(FashionMnist.Train, 50_000, 48);

        using var result = new Trainer(config).Run(train, validation);

        var pipeline = new TransformPipeline(AugmentationRecipes.Evaluation(config));
        var pixels = new float[validation.Count * pipeline.OutputLength];
        for (var i = 0; i < validation.Count; i++)
        {
            pipeline.Apply(validation.Load(i), pixels.AsSpan(i * pipeline.OutputLength, pipeline.OutputLength));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var images = tensor(pixels).reshape(validation.Count, 1, 28, 28);
        var labels = tensor(Enumerable.Range(0, validation.Count).Select(i => (long)validation.GetLabel(i)).ToArray());
        var plain = result.Model.call(images).softmax(1);
        var mean = plain.add(result.Model.call(images.flip(3)).softmax(1)).div(2);

        double Loss(Tensor probabilities) => -probabilities.gather(1, labels.unsqueeze(1)).log().mean().item<float>();
        double Accuracy(Tensor probabilities) => probabilities.argmax(1).eq(labels).sum().item<long>() / (double)validation.Count;
        Assert.Equal(Loss(mean), result.Report.ValidationLoss, 1e-4);
        Assert.Equal(Accuracy(mean), result.Report.Accuracy, 1e-9);
        // The single-view figure is a different one, so the comparison above can tell the two apart.
        Assert.True(Math.Abs(Loss(plain) - Loss(mean)) > 1e-3, $"single view {Loss(plain)}, averaged {Loss(mean)}");
    }
}
