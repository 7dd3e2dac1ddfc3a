using System.Buffers;
using System.Runtime.InteropServices;
using SkiaSharp;
using Platform.Imaging.Formats;

namespace Platform.Imaging.Transforms;

/// <summary>
/// Crop + resize in one SkiaSharp pass into caller-provided memory. Grayscale stays Gray8; RGB is widened to
/// BGRA8888, Skia's native order on little-endian Linux, which its raster pipeline resamples about twice as fast
/// as RGBA8888 (Skia has no packed 3-byte format).
/// </summary>
internal static class Resampler
{
    // Bilinear is sharp and fast for the usual ≤2× scale changes; beyond that, bilinear alone skips source
    // pixels (aliasing), so mipmaps are blended in like an antialiased resize.
    private static readonly SKSamplingOptions Bilinear = new(SKFilterMode.Linear, SKMipmapMode.None);
    private static readonly SKSamplingOptions BilinearWithMipmaps = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    /// <summary>Downscale factor (source / target, larger axis) above which mipmaps are blended in.</summary>
    public const double MipmapThreshold = 2;

    /// <summary>Bytes the target needs for a <paramref name="width"/> × <paramref name="height"/> result.</summary>
    public static int TargetLength(ImageBuffer image, int width, int height) => width * height * (image.Channels == 1 ? 1 : 4);

    /// <summary>Resamples <paramref name="region"/> of the image into <paramref name="target"/> (at least <see cref="TargetLength"/> bytes).</summary>
    public static unsafe PixelRows Resample(ImageBuffer image, CropRegion region, int width, int height, byte[] target)
    {
        var gray = image.Channels == 1;
        if (gray)
        {
            return Resample(image.Pixels, image, region, width, height, target);
        }

        // Pooled rather than per-thread: a large photo's BGRA copy should not stay pinned to a thread forever.
        var bgra = ArrayPool<byte>.Shared.Rent(image.Width * image.Height * 4);
        try
        {
            WidenToBgra(image, bgra);
            return Resample(bgra, image, region, width, height, target);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bgra);
        }
    }

    private static unsafe PixelRows Resample(byte[] source, ImageBuffer image, CropRegion region, int width, int height, byte[] target)
    {
        var gray = image.Channels == 1;
        var pixelStride = gray ? 1 : 4;
        var colorType = gray ? SKColorType.Gray8 : SKColorType.Bgra8888;
        if (target.Length < width * height * pixelStride)
        {
            throw new ArgumentException($"The target holds {target.Length} bytes; {width * height * pixelStride} are needed.", nameof(target));
        }

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
            if (!subset.ScalePixels(targetPixmap, downscale > MipmapThreshold ? BilinearWithMipmaps : Bilinear))
            {
                throw new InvalidOperationException($"SkiaSharp could not resample a {colorType} image to {width}x{height}.");
            }
        }

        return gray
            ? new PixelRows(target, width, 1, 0, 0, 0)
            : new PixelRows(target, width * 4, 4, 2, 1, 0);
    }

    private static void WidenToBgra(ImageBuffer image, byte[] target)
    {
        var pixelCount = image.Width * image.Height;
        var bgra = MemoryMarshal.Cast<byte, uint>(target.AsSpan(0, pixelCount * 4));
        ReadOnlySpan<byte> rgb = image.Pixels;
        for (var i = 0; i < bgra.Length; i++)
        {
            var offset = 3 * i;
            // Little-endian BGRA8888: B in the low byte, A in the high byte.
            bgra[i] = 0xFF000000u | (uint)rgb[offset] << 16 | (uint)rgb[offset + 1] << 8 | rgb[offset + 2];
        }
    }
}
