namespace Platform.Imaging.Formats;

/// <summary>
/// A decoded 8-bit image stored interleaved (HWC, row-major): 1 channel (grayscale) or 3 (RGB).
/// </summary>
public sealed class ImageBuffer
{
    public ImageBuffer(int width, int height, int channels, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "An image has 1 (grayscale) or 3 (RGB) channels.");
        }
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != (long)width * height * channels)
        {
            throw new ArgumentException(
                $"Expected {(long)width * height * channels} bytes for {width}x{height}x{channels}, got {pixels.Length}.", nameof(pixels));
        }

        Width = width;
        Height = height;
        Channels = channels;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public int Channels { get; }

    /// <summary>Interleaved pixels, <see cref="RowBytes"/> bytes per row.</summary>
    public byte[] Pixels { get; }

    public int RowBytes => Width * Channels;

    /// <summary>Allocates a zero-filled (black) image.</summary>
    public static ImageBuffer Create(int width, int height, int channels) =>
        new(width, height, channels, new byte[(long)width * height * channels]);

    /// <summary>For producers that overwrite every pixel: skips zeroing the array.</summary>
    internal static ImageBuffer CreateUninitialized(int width, int height, int channels) =>
        new(width, height, channels, GC.AllocateUninitializedArray<byte>(checked(width * height * channels)));

    /// <summary>
    /// Returns this image with the requested channel count: grayscale is replicated into RGB, RGB is reduced
    /// to luma with the ITU-R 601-2 weights PIL uses (L = 0.299 R + 0.587 G + 0.114 B).
    /// </summary>
    public ImageBuffer WithChannels(int channels)
    {
        if (channels == Channels)
        {
            return this;
        }

        var result = Create(Width, Height, channels);
        var pixelCount = Width * Height;
        var source = Pixels.AsSpan();
        var target = result.Pixels.AsSpan();
        if (channels == 3)
        {
            for (var i = 0; i < pixelCount; i++)
            {
                var value = source[i];
                target[3 * i] = value;
                target[3 * i + 1] = value;
                target[3 * i + 2] = value;
            }
        }
        else
        {
            for (var i = 0; i < pixelCount; i++)
            {
                target[i] = Luma(source[3 * i], source[3 * i + 1], source[3 * i + 2]);
            }
        }

        return result;
    }

    internal static byte Luma(byte red, byte green, byte blue) =>
        (byte)((red * 299 + green * 587 + blue * 114 + 500) / 1000);
}
