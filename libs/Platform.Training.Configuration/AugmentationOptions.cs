using Platform.Imaging.Formats.Recipes;

namespace Platform.Training.Configuration;

/// <param name="Preset">Named training augmentation, used when <paramref name="Recipe"/> is not given.</param>
/// <param name="Recipe">A full Platform.Imaging training transform recipe; overrides the preset.</param>
/// <param name="Mean">Per-channel normalisation mean; null = ImageNet's (its average for one channel).</param>
/// <param name="Std">Per-channel normalisation standard deviation; null = ImageNet's.</param>
/// <param name="RandAugment">timm's RandAugment on top of the preset or recipe (<c>rand-m9-mstd0.5</c> is
/// <c>{ n: 2, m: 9, magnitudeStd: 0.5 }</c>); null = off.</param>
/// <param name="TrivialAugment">torchvision's TrivialAugmentWide on top of the preset or recipe (an alternative to RandAugment).</param>
/// <param name="RandomErasing">timm's random erasing of the normalised training image; null = off.</param>
public sealed record AugmentationOptions(
    AugmentationPreset Preset = AugmentationPreset.Light,
    TransformRecipe? Recipe = null,
    float[]? Mean = null,
    float[]? Std = null,
    RandAugmentOptions? RandAugment = null,
    bool TrivialAugment = false,
    RandomErasingOptions? RandomErasing = null);
