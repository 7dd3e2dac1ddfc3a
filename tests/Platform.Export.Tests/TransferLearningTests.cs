using Platform.Training.Configuration;
using Platform.Training.Engine;
using Platform.Training.Models.Pretrained;

using Xunit.Abstractions;

namespace Platform.Export.Tests;

/// <summary>The ImageNet backbone is worth shipping: on real photos it beats training the same network from scratch.</summary>
public sealed class TransferLearningTests(ITestOutputHelper output)
{
    [Fact]
    public void PretrainedFeatureExtractionBeatsTrainingFromScratchByTwentyPoints()
    {
        // Four art4apps classes, 30 % of each held out (stratified): about 190 training and 80 validation images.
        var (train, validation) = Art4Apps.Split(0.3, seed: 3, "animals", "food", "fruit_n_veg", "clothes_n_accessories");
        var scratchConfig = new TrainingConfig
        {
            Architecture = ImageNetResNet18.Name,
            ImageSize = 96,
            Epochs = 2,
            BatchSize = 16,
            Lr = 1e-2,
            Augmentation = new AugmentationOptions(AugmentationPreset.None),
            Threads = 2,
            LoaderWorkers = 1,
            Seed = 5,
        }.EnsureValid();
        var pretrainedConfig = (scratchConfig with { Pretrained = true, FineTune = new FineTuneOptions(FineTuneMode.FeatureExtraction) }).EnsureValid();

        double pretrained, scratch;
        using (var result = new Trainer(pretrainedConfig).Run(train, validation))
        {
            pretrained = result.Report.Accuracy;
            output.WriteLine($"pretrained run {result.Report.TrainingSeconds:F1} s");
        }

        using (var result = new Trainer(scratchConfig).Run(train, validation))
        {
            scratch = result.Report.Accuracy;
            output.WriteLine($"scratch run {result.Report.TrainingSeconds:F1} s");
        }

        output.WriteLine($"pretrained {pretrained:P1}, scratch {scratch:P1}");
        Assert.True(pretrained - scratch >= 0.20,
            $"pretrained feature extraction {pretrained:P1} vs from scratch {scratch:P1} on {validation.Count} held-out images");
    }
}
