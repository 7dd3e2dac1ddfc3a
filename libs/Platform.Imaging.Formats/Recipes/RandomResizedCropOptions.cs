namespace Platform.Imaging.Formats.Recipes;

/// <summary>torchvision's RandomResizedCrop parameters: crop area as a fraction of the image, and width/height ratio.</summary>
public sealed record RandomResizedCropOptions(double MinScale = 0.08, double MaxScale = 1.0,
                                              double MinRatio = 3.0 / 4.0, double MaxRatio = 4.0 / 3.0);
