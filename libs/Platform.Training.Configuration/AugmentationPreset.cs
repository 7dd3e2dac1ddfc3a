namespace Platform.Training.Configuration;

public enum AugmentationPreset
{
    /// <summary>Resize to the image size only.</summary>
    None,

    /// <summary>Mild random resized crop (scale 0.7–1) and horizontal flip.</summary>
    Light,

    /// <summary>torchvision's ImageNet training recipe: random resized crop (scale 0.08–1), flip, colour jitter 0.2.</summary>
    Standard,
}
