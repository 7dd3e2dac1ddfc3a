using Platform.Imaging.Formats.Recipes;
namespace Platform.Imaging.Transforms;

/// <summary>A rectangle of source pixels, left/top inclusive.</summary>
public readonly record struct CropRegion(int Left, int Top, int Width, int Height)
{
    public static CropRegion Whole(int width, int height) => new(0, 0, width, height);

    /// <summary>
    /// torchvision RandomResizedCrop.get_params: up to 10 tries to find a crop with area fraction in
    /// [MinScale, MaxScale] and aspect ratio (log-uniform) in [MinRatio, MaxRatio] that fits the image; otherwise
    /// the centre crop of the whole image clamped to the ratio range.
    /// </summary>
    public static CropRegion SampleRandomResized(int width, int height, RandomResizedCropOptions options, ref SampleRandom random)
    {
        double area = (double)width * height;
        var logMinRatio = Math.Log(options.MinRatio);
        var logMaxRatio = Math.Log(options.MaxRatio);
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var targetArea = area * random.NextUniform(options.MinScale, options.MaxScale);
            var aspectRatio = Math.Exp(random.NextUniform(logMinRatio, logMaxRatio));
            var cropWidth = (int)Math.Round(Math.Sqrt(targetArea * aspectRatio));
            var cropHeight = (int)Math.Round(Math.Sqrt(targetArea / aspectRatio));
            if (cropWidth > 0 && cropWidth <= width && cropHeight > 0 && cropHeight <= height)
            {
                var top = random.NextInt(height - cropHeight + 1);
                var left = random.NextInt(width - cropWidth + 1);
                return new CropRegion(left, top, cropWidth, cropHeight);
            }
        }

        return CenterFallback(width, height, options);
    }

    /// <summary>The fallback of RandomResizedCrop: whole image, trimmed to the nearest allowed aspect ratio, centred.</summary>
    public static CropRegion CenterFallback(int width, int height, RandomResizedCropOptions options)
    {
        var inputRatio = (double)width / height;
        int cropWidth, cropHeight;
        if (inputRatio < options.MinRatio)
        {
            cropWidth = width;
            cropHeight = (int)Math.Round(cropWidth / options.MinRatio);
        }
        else if (inputRatio > options.MaxRatio)
        {
            cropHeight = height;
            cropWidth = (int)Math.Round(cropHeight * options.MaxRatio);
        }
        else
        {
            cropWidth = width;
            cropHeight = height;
        }

        return new CropRegion((width - cropWidth) / 2, (height - cropHeight) / 2, cropWidth, cropHeight);
    }

    /// <summary>torchvision Resize(int): the shorter side becomes <paramref name="shorterSide"/>, the longer one is truncated.</summary>
    public static (int Width, int Height) ShorterSideSize(int width, int height, int shorterSide) =>
        width <= height
            ? (shorterSide, (int)((long)shorterSide * height / width))
            : ((int)((long)shorterSide * width / height), shorterSide);

    /// <summary>torchvision CenterCrop offsets: round((size − crop) / 2) with round-half-to-even, as Python's round.</summary>
    public static CropRegion Center(int width, int height, int cropWidth, int cropHeight) =>
        new((int)Math.Round((width - cropWidth) / 2.0, MidpointRounding.ToEven),
            (int)Math.Round((height - cropHeight) / 2.0, MidpointRounding.ToEven),
            cropWidth, cropHeight);
}
