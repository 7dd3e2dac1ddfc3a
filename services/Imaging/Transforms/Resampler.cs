using SkiaSharp;

namespace Platform.Imaging.Transforms;

/// <summary>
/// Crop + resize in one SkiaSharp pass into per-thread scratch memory. Grayscale stays Gray8; RGB is widened to
/// RGBA8888 because Skia has no packed 3-byte pixel format.
/// </summary>
internal static class Resampler
{
    // Bilinear is sharp and fast for the usual ≤2× scale changes; beyond that, bilinear alone skips source
    // pixels (aliasing), so mipmaps are blended in like an antialiased resize.
    private static readonly SKSamplingOptions Bilinear = new(SKFilterMode.Linear, SKMipmapMode.None);
    private static readonly SKSamplingOptions BilinearWithMipmaps = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    [ThreadStatic] private static byte[]? t_source;
    [ThreadStatic] private static byte[]? t_target;

    /// <summary>Returns scratch pixels (valid until this thread's next call) of <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static unsafe byte[] Resample(ImageBuffer image, CropRegion region, int width, int height, out int pixelStride)
    {
        pixelStride = image.Channels == 1 ? 1 : 4;
        var colorType = image.Channels == 1 ? SKColorType.Gray8 : SKColorType.Rgba8888;
        var source = image.Channels == 1 ? image.Pixels : WidenToRgba(image);
        var target = Scratch(ref t_target, width * height * pixelStride);
        var downscale = Math.Max((double)region.Width / width, (double)region.Height / height);

        fixed (byte* sourcePointer = source)
        fixed (byte* targetPointer = target)
        {
            var sourceInfo = new SKImageInfo(image.Width, image.Height, colorType, SKAlphaType.Opaque);
            var targetInfo = new SKImageInfo(width, height, colorType, SKAlphaType.Opaque);
            using var sourcePixmap = new SKPixmap(sourceInfo, (IntPtr)sourcePointer, image.Width * pixelStride);
            using var subset = sourcePixmap.ExtractSubset(new SKRectI(region.Left, region.Top, region.Left + region.Width, region.Top + region.Height))
                ?? throw new ArgumentOutOfRangeException(nameof(region), region, $"The region lies outside the {image.Width}x{image.Height} image.");
            using var targetPixmap = new SKPixmap(targetInfo, (IntPtr)targetPointer, width * pixelStride);
            if (!subset.ScalePixels(targetPixmap, downscale > 2 ? BilinearWithMipmaps : Bilinear))
            {
                throw new InvalidOperationException($"SkiaSharp could not resample a {colorType} image to {width}x{height}.");
            }
        }

        return target;
    }

    private static byte[] WidenToRgba(ImageBuffer image)
    {
        var pixelCount = image.Width * image.Height;
        var rgba = Scratch(ref t_source, pixelCount * 4);
        var rgb = image.Pixels;
        for (int i = 0, j = 0; i < pixelCount * 3; i += 3, j += 4)
        {
            rgba[j] = rgb[i];
            rgba[j + 1] = rgb[i + 1];
            rgba[j + 2] = rgb[i + 2];
            rgba[j + 3] = 255;
        }

        return rgba;
    }

    private static byte[] Scratch(ref byte[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer = new byte[length];
        }

        return buffer;
    }
}
