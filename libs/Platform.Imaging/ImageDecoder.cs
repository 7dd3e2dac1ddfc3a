using System.Buffers;
using SkiaSharp;
using Platform.Imaging.Formats;

namespace Platform.Imaging;

/// <summary>
/// Decodes JPEG, PNG, WebP, GIF (first frame) and BMP with SkiaSharp into an <see cref="ImageBuffer"/>: EXIF
/// orientation applied, colour converted to sRGB, transparency composited onto white, grayscale/palette/CMYK
/// turned into RGB (or into one luma channel when asked). Anything it refuses raises
/// <see cref="ImageRejectedException"/> with a <see cref="RejectionReason"/>.
/// </summary>
public static class ImageDecoder
{
    private static readonly SKColorSpace Srgb = SKColorSpace.CreateSrgb();

    /// <summary>Reads the header: format, declared size and orientation; enforces the format and size limits.</summary>
    public static ImageHeader ReadHeader(ReadOnlySpan<byte> encoded, DecodeOptions? options = null)
    {
        options = (options ?? DecodeOptions.Default).Validated();
        using var data = SKData.CreateCopy(encoded);
        using var codec = OpenCodec(data, encoded, options);
        return HeaderOf(codec);
    }

    /// <summary>Decodes an image held in memory.</summary>
    public static ImageBuffer Decode(ReadOnlySpan<byte> encoded, DecodeOptions? options = null)
    {
        options = (options ?? DecodeOptions.Default).Validated();
        using var data = SKData.CreateCopy(encoded);
        using var codec = OpenCodec(data, encoded, options);
        var header = HeaderOf(codec);
        return options.Channels == 1 && codec.Info.ColorType == SKColorType.Gray8 && codec.Info.AlphaType == SKAlphaType.Opaque
            ? DecodeGray(codec, header)
            : DecodeColor(codec, header, options.Channels);
    }

    /// <summary>Reads at most <see cref="DecodeOptions.MaxEncodedBytes"/> + 1 bytes from the stream, then decodes.</summary>
    public static ImageBuffer Decode(Stream stream, DecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options = (options ?? DecodeOptions.Default).Validated();
        return Decode(ReadLimited(stream, options.MaxEncodedBytes), options);
    }

    internal static byte[] ReadLimited(Stream stream, long maxBytes)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, maxBytes + 1 - buffer.Length))) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                throw new ImageRejectedException(RejectionReason.TooLarge, $"The image is larger than the {maxBytes}-byte limit.");
            }
        }

        return buffer.ToArray();
    }

    private static SKCodec OpenCodec(SKData data, ReadOnlySpan<byte> encoded, DecodeOptions options)
    {
        if (encoded.IsEmpty)
        {
            throw new ImageRejectedException(RejectionReason.Empty, "The image is empty (0 bytes).");
        }

        if (encoded.Length > options.MaxEncodedBytes)
        {
            throw new ImageRejectedException(RejectionReason.TooLarge,
                $"The image is {encoded.Length} bytes; the limit is {options.MaxEncodedBytes}.");
        }

        var codec = SKCodec.Create(data);
        if (codec is null)
        {
            throw Signature.Sniff(encoded) is { } format
                ? new ImageRejectedException(
                    encoded.Length < 64 ? RejectionReason.Truncated : RejectionReason.Corrupt,
                    $"The data starts like a {format} image but its header cannot be read ({encoded.Length} bytes).")
                : new ImageRejectedException(RejectionReason.UnsupportedFormat,
                    $"The data is not a {AcceptedImages.Description} image.");
        }

        try
        {
            var format = FormatOf(codec.EncodedFormat);
            if (format is null || !options.Formats.Contains(format.Value))
            {
                throw new ImageRejectedException(RejectionReason.UnsupportedFormat,
                    $"{codec.EncodedFormat} images are not accepted; allowed: {string.Join(", ", options.Formats.Order())}.");
            }

            var pixels = (long)codec.Info.Width * codec.Info.Height;
            if (codec.Info.Width < 1 || codec.Info.Height < 1)
            {
                throw new ImageRejectedException(RejectionReason.Corrupt, $"The image declares an empty size {codec.Info.Width}x{codec.Info.Height}.");
            }

            if (pixels > options.MaxPixels)
            {
                throw new ImageRejectedException(RejectionReason.TooManyPixels,
                    $"The image declares {codec.Info.Width}x{codec.Info.Height} = {pixels} pixels; the limit is {options.MaxPixels}.");
            }

            if (Math.Max(codec.Info.Width, codec.Info.Height) > options.MaxAspectRatio * Math.Min(codec.Info.Width, codec.Info.Height))
            {
                throw new ImageRejectedException(RejectionReason.ExtremeAspectRatio,
                    $"The image is {codec.Info.Width}x{codec.Info.Height}: its longer side is more than {options.MaxAspectRatio:0.#} times its shorter.");
            }

            return codec;
        }
        catch
        {
            codec.Dispose();
            throw;
        }
    }

    private static ImageHeader HeaderOf(SKCodec codec) =>
        new(FormatOf(codec.EncodedFormat)!.Value, codec.Info.Width, codec.Info.Height, codec.EncodedOrigin);

    private static ImageFormat? FormatOf(SKEncodedImageFormat format) => format switch
    {
        SKEncodedImageFormat.Jpeg => ImageFormat.Jpeg,
        SKEncodedImageFormat.Png => ImageFormat.Png,
        SKEncodedImageFormat.Webp => ImageFormat.Webp,
        SKEncodedImageFormat.Gif => ImageFormat.Gif,
        SKEncodedImageFormat.Bmp => ImageFormat.Bmp,
        _ => null,
    };

    private static ImageBuffer DecodeGray(SKCodec codec, ImageHeader header)
    {
        var info = new SKImageInfo(header.Width, header.Height, SKColorType.Gray8, SKAlphaType.Opaque);
        var gray = new byte[info.BytesSize];
        ReadPixels(codec, info, gray);
        if (header.Origin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default)
        {
            return new ImageBuffer(header.Width, header.Height, 1, gray);
        }

        var walk = Orientation.Walk(header.Origin, header.Width, header.Height);
        var image = ImageBuffer.Create(walk.Width, walk.Height, 1);
        var target = image.Pixels;
        for (int y = 0, t = 0; y < walk.Height; y++)
        {
            for (int x = 0, s = walk.Start + y * walk.StepY; x < walk.Width; x++, s += walk.StepX, t++)
            {
                target[t] = gray[s];
            }
        }

        return image;
    }

    private static ImageBuffer DecodeColor(SKCodec codec, ImageHeader header, int channels)
    {
        // Premultiplied BGRA makes "over white" one addition per channel: out = premultiplied + (255 − alpha).
        var info = new SKImageInfo(header.Width, header.Height, SKColorType.Bgra8888, SKAlphaType.Premul, Srgb);
        // Pooled: a 256² BGRA frame is already a large-object-heap allocation, and this runs once per training sample.
        var bgra = ArrayPool<byte>.Shared.Rent(info.BytesSize);
        try
        {
            ReadPixels(codec, info, bgra);
            var walk = Orientation.Walk(header.Origin, header.Width, header.Height);
            var image = ImageBuffer.CreateUninitialized(walk.Width, walk.Height, channels);
            ComposeOnWhite(bgra, walk, image);
            return image;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bgra);
        }
    }

    /// <summary>Walks the stored BGRA pixels in display order, composites them on white and writes RGB or luma.</summary>
    private static unsafe void ComposeOnWhite(byte[] bgra, Orientation walk, ImageBuffer image)
    {
        var step = 4 * walk.StepX;
        fixed (byte* sourcePixels = bgra)
        fixed (byte* targetPixels = image.Pixels)
        {
            var target = targetPixels;
            for (var y = 0; y < walk.Height; y++)
            {
                var source = sourcePixels + 4 * (walk.Start + (long)y * walk.StepY);
                if (image.Channels == 3)
                {
                    for (var x = 0; x < walk.Width; x++, source += step, target += 3)
                    {
                        var white = 255 - source[3];
                        target[0] = (byte)(source[2] + white);
                        target[1] = (byte)(source[1] + white);
                        target[2] = (byte)(source[0] + white);
                    }
                }
                else
                {
                    for (var x = 0; x < walk.Width; x++, source += step, target++)
                    {
                        var white = 255 - source[3];
                        *target = ImageBuffer.Luma((byte)(source[2] + white), (byte)(source[1] + white), (byte)(source[0] + white));
                    }
                }
            }
        }
    }

    private static unsafe void ReadPixels(SKCodec codec, SKImageInfo info, byte[] target)
    {
        SKCodecResult result;
        fixed (byte* pointer = target)
        {
            // Frame 0: the first frame of an animated GIF or WebP.
            result = codec.GetPixels(info, (IntPtr)pointer, info.RowBytes, new SKCodecOptions(0));
        }

        switch (result)
        {
            case SKCodecResult.Success:
                return;
            case SKCodecResult.IncompleteInput:
                throw new ImageRejectedException(RejectionReason.Truncated, "The image data ends before the image is complete (truncated file).");
            case SKCodecResult.ErrorInInput:
            case SKCodecResult.InvalidInput:
                throw new ImageRejectedException(RejectionReason.Corrupt, $"The image data is corrupt ({result}).");
            default:
                throw new ImageRejectedException(RejectionReason.Corrupt, $"The image could not be decoded ({result}).");
        }
    }
}
