namespace Platform.Imaging.Formats.Recipes;

/// <summary>
/// torchvision's ColorJitter strengths: brightness, contrast and saturation factors are drawn from
/// [max(0, 1 - x), 1 + x]; the hue shift from [-Hue, Hue] with Hue in [0, 0.5]. Zero switches an adjustment off.
/// </summary>
public sealed record ColorJitterOptions(double Brightness = 0, double Contrast = 0, double Saturation = 0, double Hue = 0);
