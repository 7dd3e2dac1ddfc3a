namespace Platform.Imaging.Formats.Recipes;

/// <summary>
/// Random erasing (Zhong et al. 2020) as timm's <c>RandomErasing</c>, on the normalised image: with
/// <see cref="Probability"/>, <see cref="Count"/> rectangles whose area is a uniform fraction in
/// [<see cref="MinArea"/>, <see cref="MaxArea"/>] of the image (divided by the count) and whose height/width ratio is
/// log-uniform in [<see cref="MinAspect"/>, <see cref="MaxAspect"/>] are filled (up to 10 tries each to fit one).
/// </summary>
/// <param name="Probability">Chance a sample is erased (timm's <c>reprob</c>; Swin and ConvNeXt train with 0.25).</param>
/// <param name="MinArea">Smallest erased fraction of the image.</param>
/// <param name="MaxArea">Largest erased fraction of the image.</param>
/// <param name="MinAspect">Smallest height/width ratio of a rectangle.</param>
/// <param name="MaxAspect">Largest height/width ratio; timm's default is 1 / MinAspect.</param>
/// <param name="Fill">What the rectangle is filled with (timm's <c>remode</c>).</param>
/// <param name="Count">Rectangles per erased sample (timm's <c>recount</c>).</param>
public sealed record RandomErasingOptions(
    double Probability = 0.25,
    double MinArea = 0.02,
    double MaxArea = 1.0 / 3.0,
    double MinAspect = 0.3,
    double MaxAspect = 1 / 0.3,
    ErasingFill Fill = ErasingFill.Pixel,
    int Count = 1);
