namespace Platform.Imaging.Transforms;

/// <summary>
/// The image operations of RandAugment and TrivialAugmentWide, on 8-bit images; what <see cref="AugmentStep.Argument"/>
/// means for each is given beside it. Semantics follow PIL's <c>ImageOps</c>/<c>ImageEnhance</c>, which timm and
/// torchvision call.
/// </summary>
public enum AugmentOp
{
    /// <summary>No change (TrivialAugmentWide only).</summary>
    Identity,

    /// <summary>Each channel stretched so its darkest value becomes 0 and its brightest 255.</summary>
    AutoContrast,

    /// <summary>Each channel's histogram equalised (PIL's <c>ImageOps.equalize</c>).</summary>
    Equalize,

    /// <summary>255 − value.</summary>
    Invert,

    /// <summary>Rotation by Argument degrees, counter-clockwise, about the centre; uncovered pixels take the fill colour.</summary>
    Rotate,

    /// <summary>Keeps the Argument (0–8) most significant bits of each value.</summary>
    Posterize,

    /// <summary>Values at or above the Argument threshold (0–256) are inverted.</summary>
    Solarize,

    /// <summary>Values below 128 get Argument added (clipped to 255).</summary>
    SolarizeAdd,

    /// <summary>Saturation: blend with the grayscale image by factor Argument (0 = gray, 1 = unchanged).</summary>
    Color,

    /// <summary>Blend with the image's mean gray by factor Argument (0 = flat gray, 1 = unchanged).</summary>
    Contrast,

    /// <summary>Blend with black by factor Argument (0 = black, 1 = unchanged).</summary>
    Brightness,

    /// <summary>Blend with a 3 × 3 smoothed image by factor Argument (0 = smoothed, 1 = unchanged, 2 = sharpened); border pixels kept.</summary>
    Sharpness,

    /// <summary>output(x, y) = input(x + Argument · y, y), a horizontal shear about the top-left corner.</summary>
    ShearX,

    /// <summary>output(x, y) = input(x, y + Argument · x).</summary>
    ShearY,

    /// <summary>output(x, y) = input(x + Argument, y): content moves Argument pixels left.</summary>
    TranslateX,

    /// <summary>output(x, y) = input(x, y + Argument): content moves Argument pixels up.</summary>
    TranslateY,
}
