using Platform.Imaging.Transforms;
using Platform.Training.Configuration;
using Platform.Training.Engine;
using Platform.Training.Models;
using Platform.Training.Models.Pretrained;
using Xunit.Abstractions;
using static TorchSharp.torch;
using Platform.Imaging.Formats.Recipes;
using Platform.Training.Configuration.Architectures;

namespace Platform.Export.Tests;

/// <summary>
/// The ImageNet ResNet18 imported from ML.NET's CNTK ONNX file computes the same pooled features as that file does in
/// ONNX Runtime behind its own preprocessing model, and is reachable through the registry and the training config.
/// </summary>
public sealed class PretrainedResNet18Tests(ITestOutputHelper output)
{
    [Fact]
    public void PooledFeaturesEqualOnnxRuntimeOnTheOriginalFiles()
    {
        var images = Art4Apps.Take(1, "animals", "food", "transport", "clothes_n_accessories");
        using var model = ModelRegistry.Create(ImageNetResNet18.Name, new ModelOptions(NumClasses: 4, Pretrained: true));
        model.eval();
        // The original pipeline sees raw RGB 0–255 (std 1/255 undoes the scaling to [0, 1]); ours sees ImageNet-normalised RGB.
        var raw = new TransformPipeline(new TransformRecipe(224, 3, [0f, 0f, 0f], [1f / 255, 1f / 255, 1f / 255]));
        var normalised = new TransformPipeline(new TransformRecipe(224, 3, TransformRecipe.ImageNetMean, TransformRecipe.ImageNetStd));
        using var preprocess = ExportFixtures.CpuSessions.Create(PretrainedFiles.Locate(PretrainedFiles.ResNetPreprocess));
        using var original = ExportFixtures.CpuSessions.Create(PretrainedFiles.Locate(PretrainedFiles.ResNet18));

        for (var i = 0; i < images.Count; i++)
        {
            var image = images.Load(i);
            var rawPixels = new float[raw.OutputLength];
            raw.Apply(image, rawPixels);
            var (bgrMinusMean, shape) = preprocess.Run(rawPixels, [1, 3, 224, 224]);
            var (expected, expectedShape) = original.Run(bgrMinusMean, shape);

            var ours = new float[normalised.OutputLength];
            normalised.Apply(image, ours);
            float[] actual;
            using (no_grad())
            using (var features = model.Features(tensor(ours, [1, 3, 224, 224])))
            {
                actual = features.data<float>().ToArray();
            }

            Assert.Equal([1L, 512, 1, 1], expectedShape);
            var maxDifference = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
            var cosine = Dot(expected, actual) / Math.Sqrt(Dot(expected, expected) * Dot(actual, actual));
            output.WriteLine($"image {i}: cosine {cosine:F7}, max |Δfeature| {maxDifference:E2}, largest feature {expected.Max():F2}");
            Assert.True(cosine >= 0.9999, $"image {i}: cosine {cosine:F6}");
            Assert.True(maxDifference <= 1e-4, $"image {i}: max |Δfeature| {maxDifference:E2} (features up to {expected.Max():F2})");
        }
    }

    [Fact]
    public void PretrainedBackboneCarriesTheOnnxFilesFirstConvolution()
    {
        using var pretrained = ModelRegistry.Create(ImageNetResNet18.Name, new ModelOptions(NumClasses: 2, ImageSize: 64, Pretrained: true));
        using var scratch = ModelRegistry.Create(ImageNetResNet18.Name, new ModelOptions(NumClasses: 2, ImageSize: 64));
        var onnx = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(PretrainedFiles.Locate(PretrainedFiles.ResNet18)));
        var firstConvWeight = onnx.Graph.Initializer.Single(t => t.Name == onnx.Graph.Node.First(n => n.OpType == "Conv").Input[1]);

        var weight = pretrained.state_dict()["backbone.conv1.weight"];

        Assert.Equal(firstConvWeight.Dims.ToArray(), weight.shape);
        var expected = firstConvWeight.FloatData.Count > 0
            ? firstConvWeight.FloatData.ToArray()
            : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(firstConvWeight.RawData.Span).ToArray();
        Assert.Equal(expected, weight.data<float>().ToArray());
        Assert.False(scratch.state_dict()["backbone.conv1.weight"].allclose(weight));
    }

    [Fact]
    public void ExportOfThePretrainedModelPassesTheParityGateAt224()
    {
        var images = Art4Apps.Take(2, "animals", "food", "transport");
        using var model = ModelRegistry.Create(ImageNetResNet18.Name, new ModelOptions(NumClasses: 3, Pretrained: true));

        var report = ExportFixtures.ExportAndCompare(model, images, ExportFixtures.Recipe(224), maxImages: 6, batchSize: 3);

        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void ConfigurationAcceptsPretrainedOnlyWhereWeightsExistAndOnlyWithTheirNormalisation()
    {
        Assert.Equal([ImageNetResNet18.Name], PretrainedWeights.Architectures);
        Assert.Empty(new TrainingConfig { Architecture = ImageNetResNet18.Name, Pretrained = true }.Validate());
        Assert.Contains(new TrainingConfig { Architecture = "resnet18", Pretrained = true }.Validate(), v => v.Field == "pretrained");
        Assert.Contains(new TrainingConfig { Architecture = ImageNetResNet18.Name, ImageSize = 100 }.Validate(), v => v.Field == "architecture");
        Assert.Contains(
            new TrainingConfig { Architecture = ImageNetResNet18.Name, Augmentation = new AugmentationOptions(Mean: [0.5f, 0.5f, 0.5f]) }.Validate(),
            v => v.Field == "augmentation");
        Assert.Throws<ArgumentException>(() => ModelRegistry.Create("vgg11_bn", new ModelOptions(NumClasses: 2, ImageSize: 32, Pretrained: true)));
    }

    [Theory]
    [InlineData(FineTuneMode.FeatureExtraction)]
    [InlineData(FineTuneMode.Full)]
    [InlineData(FineTuneMode.Staged)]
    public void PretrainedTrainingRunsWithEveryFineTuneStrategy(FineTuneMode mode)
    {
        var (train, validation) = Art4Apps.Split(0.3, seed: 1, "transport", "people");
        var config = new TrainingConfig
        {
            Architecture = ImageNetResNet18.Name,
            Pretrained = true,
            FineTune = new FineTuneOptions(mode, HeadEpochs: 1),
            ImageSize = 64,
            Epochs = 2,
            BatchSize = 6,
            Augmentation = new AugmentationOptions(AugmentationPreset.None),
            Threads = 2,
            LoaderWorkers = 1,
        }.EnsureValid();
        using var reference = ModelRegistry.Create(ImageNetResNet18.Name, config.ModelOptionsFor(2));

        using var result = new Trainer(config).Run(train, validation);

        Assert.Equal(2, result.Report.EpochsCompleted);
        Assert.True(double.IsFinite(result.Report.ValidationLoss));
        var backboneUnchanged = result.Model.state_dict()["backbone.layer4.2.conv2.weight"].allclose(reference.state_dict()["backbone.layer4.2.conv2.weight"]);
        Assert.Equal(mode == FineTuneMode.FeatureExtraction, backboneUnchanged);
    }

    private static double Dot(float[] x, float[] y) => x.Zip(y, (a, b) => (double)a * b).Sum();
}
