using Platform.Training.Configuration;
using Platform.Training.Models;
using Platform.Imaging.Formats.Recipes;

namespace Platform.Training.Engine;

/// <summary>The training and evaluation transform recipes a configuration asks for.</summary>
public static class AugmentationRecipes
{
    /// <summary>ImageNet's channel average, used as the default statistics of grayscale input.</summary>
    public static readonly float[] GrayMean = [0.449f];
    public static readonly float[] GrayStd = [0.226f];

    /// <summary>
    /// Normalisation of the configuration: the configured mean/std, else the architecture's required normalisation
    /// (models whose first layer undoes a fixed one), else ImageNet's (its channel average for grayscale).
    /// </summary>
    public static (float[] Mean, float[] Std) Statistics(TrainingConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var required = ModelRegistry.Contains(config.Architecture) ? ModelRegistry.Describe(config.Architecture).RequiredNormalization : null;
        bool gray = config.InputChannels == 1;
        return (config.Augmentation.Mean ?? required?.Mean ?? (gray ? GrayMean : TransformRecipe.ImageNetMean),
                config.Augmentation.Std ?? required?.Std ?? (gray ? GrayStd : TransformRecipe.ImageNetStd));
    }

    /// <summary>
    /// none: the whole image resized to imageSize²; light: random resized crop with scale 0.7–1 and a horizontal flip;
    /// standard: torchvision's ImageNet recipe (scale 0.08–1, flip, brightness/contrast/saturation jitter 0.2);
    /// guide: the guide's pipeline (scale 0.08–1, flip, brightness and contrast jitter 0.2 only).
    /// An explicit recipe wins over the preset. RandAugment, TrivialAugmentWide and random erasing, when configured, are
    /// added to either.
    /// </summary>
    public static TransformRecipe Train(TrainingConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var augmentation = config.Augmentation;
        var recipe = augmentation.Recipe ?? Preset(config);
        if (augmentation is { RandAugment: null, TrivialAugment: false, RandomErasing: null })
        {
            return recipe.Validated();
        }

        return (recipe with
        {
            RandAugment = augmentation.RandAugment ?? recipe.RandAugment,
            TrivialAugmentWide = augmentation.TrivialAugment || recipe.TrivialAugmentWide,
            RandomErasing = augmentation.RandomErasing ?? recipe.RandomErasing,
        }).Validated();
    }

    private static TransformRecipe Preset(TrainingConfig config)
    {
        var (mean, std) = Statistics(config);
        int size = config.ImageSize, channels = config.InputChannels;
        return config.Augmentation.Preset switch
        {
            AugmentationPreset.None => new TransformRecipe(size, channels, mean, std).Validated(),
            AugmentationPreset.Light => TransformRecipe.Train(size, mean, std, channels, new RandomResizedCropOptions(MinScale: 0.7)),
            AugmentationPreset.Guide => TransformRecipe.Train(size, mean, std, channels, colorJitter: new ColorJitterOptions(Brightness: 0.2, Contrast: 0.2)),
            _ => TransformRecipe.Train(size, mean, std, channels, colorJitter: new ColorJitterOptions(0.2, 0.2, channels == 3 ? 0.2 : 0)),
        };
    }

    /// <summary>
    /// Deterministic evaluation: the standard and guide presets use the ImageNet convention (shorter side to size·256/224, centre
    /// crop); the others resize the whole image, matching what their training crops cover.
    /// </summary>
    public static TransformRecipe Evaluation(TrainingConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var (mean, std) = config.Augmentation.Recipe is { } recipe ? (recipe.Mean, recipe.Std) : Statistics(config);
        return config.Augmentation.Recipe is null && config.Augmentation.Preset is AugmentationPreset.Standard or AugmentationPreset.Guide
            ? TransformRecipe.Eval(config.ImageSize, mean, std, config.InputChannels)
            : new TransformRecipe(config.ImageSize, config.InputChannels, mean, std).Validated();
    }
}
