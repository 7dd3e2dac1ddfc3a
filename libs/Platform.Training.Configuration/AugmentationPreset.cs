namespace Platform.Training.Configuration;

public enum AugmentationPreset
{
    /// <summary>Resize to the image size only.</summary>
    None,

    /// <summary>Mild random resized crop (scale 0.7–1) and horizontal flip.</summary>
    Light,

    /// <summary>torchvision's ImageNet training recipe: random resized crop (scale 0.08–1), flip, colour jitter 0.2.</summary>
    Standard,

    /// <summary>
    /// The guide's torchvision pipeline exactly: RandomResizedCrop(size) (scale 0.08–1), RandomHorizontalFlip(),
    /// ColorJitter(brightness=0.2, contrast=0.2) — no saturation or hue — and ImageNet's mean/std; evaluation as
    /// <see cref="Standard"/> (shorter side to size·256/224, centre crop).
    /// </summary>
    Guide,
}
