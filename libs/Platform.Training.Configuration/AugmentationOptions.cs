using Platform.Imaging.Formats.Recipes;

namespace Platform.Training.Configuration;

/// <param name="Preset">Named training augmentation, used when <paramref name="Recipe"/> is not given.</param>
/// <param name="Recipe">A full Platform.Imaging training transform recipe; overrides the preset.</param>
/// <param name="Mean">Per-channel normalisation mean; null = ImageNet's (its average for one channel).</param>
/// <param name="Std">Per-channel normalisation standard deviation; null = ImageNet's.</param>
public sealed record AugmentationOptions(
    AugmentationPreset Preset = AugmentationPreset.Light,
    TransformRecipe? Recipe = null,
    float[]? Mean = null,
    float[]? Std = null);
