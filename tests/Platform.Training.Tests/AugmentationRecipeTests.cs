using Platform.Training.Configuration;
using Platform.Training.Engine;
using Platform.Imaging.Formats.Recipes;

namespace Platform.Training.Tests;

public sealed class AugmentationRecipeTests
{
    private static readonly TrainingConfig Gray = new() { Architecture = "small_cnn", ImageSize = 28, InputChannels = 1 };

    [Fact]
    public void NonePresetOnlyResizes()
    {
        var recipe = AugmentationRecipes.Train(Gray with { Augmentation = new AugmentationOptions(AugmentationPreset.None) });

        Assert.True(recipe.IsDeterministic);
        Assert.Equal(28, recipe.Size);
        Assert.Equal(AugmentationRecipes.GrayMean, recipe.Mean);
    }

    [Fact]
    public void LightPresetCropsMildlyAndFlips()
    {
        var recipe = AugmentationRecipes.Train(Gray);

        Assert.Equal(0.7, recipe.RandomResizedCrop!.MinScale);
        Assert.Equal(0.5, recipe.HorizontalFlipProbability);
        Assert.True(AugmentationRecipes.Evaluation(Gray).IsDeterministic);
    }

    [Fact]
    public void StandardPresetUsesImageNetCropJitterAndCentreCropEvaluation()
    {
        var config = new TrainingConfig { Augmentation = new AugmentationOptions(AugmentationPreset.Standard) };

        var train = AugmentationRecipes.Train(config);
        var evaluation = AugmentationRecipes.Evaluation(config);

        Assert.Equal(0.08, train.RandomResizedCrop!.MinScale);
        Assert.Equal(0.2, train.ColorJitter!.Saturation);
        Assert.Equal(256, evaluation.ResizeShorterSide);
        Assert.Equal(TransformRecipe.ImageNetMean, evaluation.Mean);
    }

    [Fact]
    public void GuidePresetIsTheGuidesTorchvisionPipelineExactly()
    {
        // RandomResizedCrop(224), RandomHorizontalFlip(), ColorJitter(brightness=0.2, contrast=0.2), Normalize(ImageNet mean, std).
        var config = new TrainingConfig { Augmentation = new AugmentationOptions(AugmentationPreset.Guide) };

        var train = AugmentationRecipes.Train(config);

        Assert.Equal(224, train.Size);
        Assert.Equal(new RandomResizedCropOptions(), train.RandomResizedCrop);
        Assert.Equal((0.08, 1.0, 3.0 / 4, 4.0 / 3), (train.RandomResizedCrop!.MinScale, train.RandomResizedCrop.MaxScale, train.RandomResizedCrop.MinRatio, train.RandomResizedCrop.MaxRatio));
        Assert.Equal(0.5, train.HorizontalFlipProbability);
        Assert.Equal(new ColorJitterOptions(Brightness: 0.2, Contrast: 0.2, Saturation: 0, Hue: 0), train.ColorJitter);
        Assert.Null(train.ResizeShorterSide);
        Assert.Equal(TransformRecipe.ImageNetMean, train.Mean);
        Assert.Equal(TransformRecipe.ImageNetStd, train.Std);
        Assert.Equal(256, AugmentationRecipes.Evaluation(config).ResizeShorterSide);
    }

    [Fact]
    public void ExplicitRecipeWinsAndItsStatisticsAreUsedForEvaluation()
    {
        var custom = new TransformRecipe(28, 1, [0.3f], [0.35f], HorizontalFlipProbability: 1);
        var config = Gray with { Augmentation = new AugmentationOptions(AugmentationPreset.Standard, custom) };

        Assert.Same(custom, AugmentationRecipes.Train(config));
        Assert.Equal([0.3f], AugmentationRecipes.Evaluation(config).Mean);
        Assert.Equal(0, AugmentationRecipes.Evaluation(config).HorizontalFlipProbability);
    }

    [Fact]
    public void RandAugmentTrivialAugmentAndErasingFromTheConfigurationAreAddedToThePreset()
    {
        var config = TrainingConfig.FromJson("""
            { "architecture": "small_cnn", "imageSize": 28, "inputChannels": 1,
              "augmentation": { "preset": "light", "randAugment": { "n": 2, "m": 9, "magnitudeStd": 0.5 },
                                "randomErasing": { "probability": 0.25, "fill": "constant" } } }
            """);
        Assert.Empty(config.Validate());
        var train = AugmentationRecipes.Train(config);

        Assert.Equal(new RandAugmentOptions(2, 9, 0.5, 0.5), train.RandAugment);
        Assert.Equal(new RandomErasingOptions(Fill: ErasingFill.Constant), train.RandomErasing);
        Assert.Equal(0.7, train.RandomResizedCrop!.MinScale);
        Assert.True(AugmentationRecipes.Evaluation(config).IsDeterministic);
        Assert.True(AugmentationRecipes.Train(Gray with { Augmentation = new AugmentationOptions(TrivialAugment: true) }).TrivialAugmentWide);
    }

    [Fact]
    public void BadRandAugmentAndErasingValuesAreViolationsNamingFieldAndValue()
    {
        var config = Gray with
        {
            Augmentation = new AugmentationOptions(RandAugment: new RandAugmentOptions(N: 0, M: 12, Probability: -0.1), TrivialAugment: true,
                RandomErasing: new RandomErasingOptions(Probability: 1.5, MinArea: 0.5, MaxArea: 0.4, MinAspect: 0, Count: 40)),
        };
        var violations = config.Validate().ToDictionary(v => v.Field, v => v.Message);

        Assert.Equal("must be between 1 and 10; was 0.", violations["augmentation.randAugment.n"]);
        Assert.Equal("must be in [0, 10]; was 12.", violations["augmentation.randAugment.m"]);
        Assert.Equal("must be in [0, 1]; was -0.1.", violations["augmentation.randAugment.probability"]);
        Assert.Contains("alternatives", violations["augmentation.randAugment"]);
        Assert.Equal("must be in [0, 1]; was 1.5.", violations["augmentation.randomErasing.probability"]);
        Assert.Equal("must not exceed maxArea (0.4); was 0.5.", violations["augmentation.randomErasing.minArea"]);
        Assert.Contains("was 0.", violations["augmentation.randomErasing.minAspect"]);
        Assert.Equal("must be between 1 and 16; was 40.", violations["augmentation.randomErasing.count"]);
    }

    [Fact]
    public void AnUnknownErasingFillNamesTheAllowedOnes()
    {
        var violations = TrainingConfig.Check("""{ "augmentation": { "randomErasing": { "fill": "noise" } } }""", out _);
        var violation = Assert.Single(violations);
        Assert.Contains("pixel, channel, constant", violation.Message);
    }
}
