using SkiaSharp;
using Platform.Imaging.Formats;

namespace Platform.Imaging;

/// <summary>Encodes an <see cref="ImageBuffer"/> (1 or 3 channels) as PNG (lossless), JPEG or WebP.</summary>
public static class ImageEncoder
{
    /// <param name="quality">JPEG/WebP quality 1–100; ignored for PNG.</param>
    public static unsafe byte[] Encode(ImageBuffer image, ImageFormat format, int quality = 90)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);

        var gray = image.Channels == 1;
        var pixels = gray ? image.Pixels : ToBgra(image);
        var info = new SKImageInfo(image.Width, image.Height, gray ? SKColorType.Gray8 : SKColorType.Bgra8888, SKAlphaType.Opaque);
        fixed (byte* pointer = pixels)
        {
            using var pixmap = new SKPixmap(info, (IntPtr)pointer, info.RowBytes);
            using var data = format switch
            {
                ImageFormat.Png => pixmap.Encode(SKPngEncoderOptions.Default),
                ImageFormat.Jpeg => pixmap.Encode(new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample420, SKJpegEncoderAlphaOption.Ignore)),
                ImageFormat.Webp => pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossy, quality)),
                _ => throw new NotSupportedException($"Encoding {format} is not supported; use PNG, JPEG or WebP."),
            };
            return data?.ToArray() ?? throw new InvalidOperationException($"SkiaSharp failed to encode a {image.Width}x{image.Height} {format}.");
        }
    }

    private static byte[] ToBgra(ImageBuffer image)
    {
        var rgb = image.Pixels;
        var bgra = new byte[image.Width * image.Height * 4];
        for (int s = 0, t = 0; s < rgb.Length; s += 3, t += 4)
        {
            bgra[t] = rgb[s + 2];
            bgra[t + 1] = rgb[s + 1];
            bgra[t + 2] = rgb[s];
            bgra[t + 3] = 255;
        }

        return bgra;
    }
}
