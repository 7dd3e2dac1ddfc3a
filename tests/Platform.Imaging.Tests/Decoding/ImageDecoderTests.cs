using Platform.Testing;
using SkiaSharp;
using Platform.Imaging.Formats;

namespace Platform.Imaging.Tests.Decoding;

public class ImageDecoderTests
{
    // Four flat quadrants (red, green, blue, white): survives lossy coding, and any transposition shows.
    private static ImageBuffer Quadrants(int width = 32, int height = 16)
    {
        var image = ImageBuffer.Create(width, height, 3);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                (byte R, byte G, byte B) colour = (x < width / 2, y < height / 2) switch
                {
                    (true, true) => (255, 0, 0),
                    (false, true) => (0, 255, 0),
                    (true, false) => (0, 0, 255),
                    _ => (255, 255, 255),
                };
                (image.Pixels[3 * (y * width + x)], image.Pixels[3 * (y * width + x) + 1], image.Pixels[3 * (y * width + x) + 2]) = colour;
            }
        }

        return image;
    }

    private static (byte R, byte G, byte B) PixelAt(ImageBuffer image, int x, int y)
    {
        var offset = (y * image.Width + x) * image.Channels;
        return (image.Pixels[offset], image.Pixels[offset + 1], image.Pixels[offset + 2]);
    }

    private static void AssertColour((byte R, byte G, byte B) expected, (byte R, byte G, byte B) actual, int tolerance)
    {
        Assert.InRange(actual.R, Math.Max(0, expected.R - tolerance), Math.Min(255, expected.R + tolerance));
        Assert.InRange(actual.G, Math.Max(0, expected.G - tolerance), Math.Min(255, expected.G + tolerance));
        Assert.InRange(actual.B, Math.Max(0, expected.B - tolerance), Math.Min(255, expected.B + tolerance));
    }

    private static ImageRejectedException Rejected(byte[] data, DecodeOptions? options = null) =>
        Assert.Throws<ImageRejectedException>(() => ImageDecoder.Decode(data, options));

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void The_plain_png_writer_writes_what_the_decoder_reads_back_exactly(int channels)
    {
        var original = Quadrants(width: 7, height: 5).WithChannels(channels);
        original.Pixels[0] = 17; // a value no quadrant has, at the first byte a row filter would touch

        var decoded = ImageDecoder.Decode(PngWriter.Encode(original), new DecodeOptions(Channels: channels));

        Assert.Equal((original.Width, original.Height, original.Channels), (decoded.Width, decoded.Height, decoded.Channels));
        Assert.Equal(original.Pixels, decoded.Pixels);
    }

    [Theory]
    [InlineData(ImageFormat.Png, 0)]
    [InlineData(ImageFormat.Jpeg, 12)]
    [InlineData(ImageFormat.Webp, 12)]
    public void Encoded_images_decode_back_to_their_pixels(ImageFormat format, int tolerance)
    {
        var original = Quadrants();
        var encoded = ImageEncoder.Encode(original, format, quality: 95);

        var header = ImageDecoder.ReadHeader(encoded);
        var decoded = ImageDecoder.Decode(encoded);

        Assert.Equal(format, header.Format);
        Assert.Equal((32, 16, 3), (decoded.Width, decoded.Height, decoded.Channels));
        foreach (var (x, y) in new[] { (3, 3), (28, 3), (3, 12), (28, 12) })
        {
            AssertColour(PixelAt(original, x, y), PixelAt(decoded, x, y), tolerance);
        }

        if (tolerance == 0)
        {
            Assert.Equal(original.Pixels, decoded.Pixels);
        }
    }

    [Fact]
    public void Hand_written_bmp_decodes_exactly()
    {
        var original = Quadrants(6, 4);
        var decoded = ImageDecoder.Decode(EncodedSamples.Bmp(original));
        Assert.Equal(ImageFormat.Bmp, ImageDecoder.ReadHeader(EncodedSamples.Bmp(original)).Format);
        Assert.Equal(original.Pixels, decoded.Pixels);
    }

    [Fact]
    public void Hand_written_gif_decodes_through_its_palette()
    {
        var gif = EncodedSamples.Gif(2, 2, [(255, 0, 0), (0, 255, 0), (0, 0, 255), (10, 20, 30)], [0, 1, 2, 3]);
        var decoded = ImageDecoder.Decode(gif);

        Assert.Equal(ImageFormat.Gif, ImageDecoder.ReadHeader(gif).Format);
        Assert.Equal([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30], decoded.Pixels);
    }

    [Fact]
    public void Animated_gif_decodes_its_first_frame()
    {
        var gif = EncodedSamples.Gif(2, 1, [(255, 0, 0), (0, 255, 0), (0, 0, 255), (10, 20, 30)], [0, 0], [2, 2]);
        using (var codec = SKCodec.Create(new MemoryStream(gif)))
        {
            Assert.Equal(2, codec.FrameCount);
        }

        Assert.Equal([255, 0, 0, 255, 0, 0], ImageDecoder.Decode(gif).Pixels);
    }

    [Fact]
    public void Exif_orientation_6_rotates_the_image_clockwise()
    {
        var stored = Quadrants(32, 16);
        var jpeg = EncodedSamples.WithExifOrientation(ImageEncoder.Encode(stored, ImageFormat.Jpeg, 95), 6);

        var header = ImageDecoder.ReadHeader(jpeg);
        var decoded = ImageDecoder.Decode(jpeg);

        Assert.Equal(SKEncodedOrigin.RightTop, header.Origin);
        Assert.Equal((16, 32), header.OrientedSize);
        Assert.Equal((16, 32), (decoded.Width, decoded.Height));
        // Turning clockwise puts the stored bottom-left (blue) at the top-left, and the stored top-left (red) at the top-right.
        AssertColour((0, 0, 255), PixelAt(decoded, 3, 3), 12);
        AssertColour((255, 0, 0), PixelAt(decoded, 12, 3), 12);
        AssertColour((255, 255, 255), PixelAt(decoded, 3, 28), 12);
        AssertColour((0, 255, 0), PixelAt(decoded, 12, 28), 12);
    }

    [Theory]
    [InlineData(3, 32, 16, 255, 255, 255)] // 180°: the white quadrant comes to the top-left
    [InlineData(2, 32, 16, 0, 255, 0)]     // mirrored: green to the top-left
    [InlineData(8, 16, 32, 0, 255, 0)]     // counter-clockwise: stored top-right (green) to the top-left
    public void Other_exif_orientations_are_applied(ushort orientation, int width, int height, byte red, byte green, byte blue)
    {
        var jpeg = EncodedSamples.WithExifOrientation(ImageEncoder.Encode(Quadrants(32, 16), ImageFormat.Jpeg, 95), orientation);
        var decoded = ImageDecoder.Decode(jpeg);
        Assert.Equal((width, height), (decoded.Width, decoded.Height));
        AssertColour((red, green, blue), PixelAt(decoded, 3, 3), 12);
    }

    [Fact]
    public void Transparent_pixels_are_composited_on_white()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(2, 1, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        bitmap.SetPixel(0, 0, new SKColor(255, 0, 0, 0));
        bitmap.SetPixel(1, 0, new SKColor(0, 0, 255, 128));
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);

        var decoded = ImageDecoder.Decode(png.ToArray());

        AssertColour((255, 255, 255), PixelAt(decoded, 0, 0), 0);
        // 50% blue over white: (127, 127, 255) within rounding.
        AssertColour((127, 127, 255), PixelAt(decoded, 1, 0), 1);
    }

    [Fact]
    public void Grayscale_files_decode_to_one_channel_or_replicated_rgb()
    {
        var gray = ImageBuffer.Create(3, 2, 1);
        gray.Pixels.AsSpan().Fill(77);
        gray.Pixels[5] = 200;
        var png = ImageEncoder.Encode(gray, ImageFormat.Png);

        var single = ImageDecoder.Decode(png, new DecodeOptions(Channels: 1));
        var rgb = ImageDecoder.Decode(png);

        Assert.Equal(gray.Pixels, single.Pixels);
        Assert.Equal(3, rgb.Channels);
        Assert.Equal((200, 200, 200), PixelAt(rgb, 2, 1));
    }

    [Fact]
    public void Colour_files_decode_to_luma_when_one_channel_is_asked()
    {
        var png = ImageEncoder.Encode(TestImages.Solid(2, 2, 255, 0, 0), ImageFormat.Png);
        var decoded = ImageDecoder.Decode(png, new DecodeOptions(Channels: 1));
        Assert.All(decoded.Pixels, value => Assert.Equal(76, value));
    }

    [Fact]
    public void Empty_data_is_rejected_as_empty()
    {
        Assert.Equal(RejectionReason.Empty, Rejected([]).Reason);
    }

    [Fact]
    public void Random_bytes_are_rejected_as_unsupported()
    {
        var noise = new byte[1000];
        new Random(4).NextBytes(noise);
        noise[0] = 0; // not by chance a BMP or JPEG signature
        Assert.Equal(RejectionReason.UnsupportedFormat, Rejected(noise).Reason);
    }

    [Fact]
    public void Truncated_jpeg_is_rejected_as_truncated()
    {
        var jpeg = ImageEncoder.Encode(TestImages.Gradient(64, 64), ImageFormat.Jpeg);
        var rejection = Rejected(jpeg[..(jpeg.Length / 2)]);
        Assert.Equal(RejectionReason.Truncated, rejection.Reason);
        Assert.Contains("truncated", rejection.Message);
    }

    [Fact]
    public void Jpeg_cut_inside_its_header_is_rejected_as_truncated()
    {
        var jpeg = ImageEncoder.Encode(TestImages.Gradient(64, 64), ImageFormat.Jpeg);
        Assert.Equal(RejectionReason.Truncated, Rejected(jpeg[..20]).Reason);
    }

    [Fact]
    public void Damaged_png_data_is_rejected_as_corrupt()
    {
        var png = ImageEncoder.Encode(TestImages.Gradient(64, 64), ImageFormat.Png);
        var damaged = png.ToArray();
        var dataStart = png.AsSpan().IndexOf("IDAT"u8) + 4;
        for (var i = dataStart + 2; i < dataStart + 200; i++)
        {
            damaged[i] ^= 0x5A;
        }

        Assert.Equal(RejectionReason.Corrupt, Rejected(damaged).Reason);
    }

    [Fact]
    public void Huge_declared_size_is_rejected_before_decoding()
    {
        var bomb = EncodedSamples.PngHeader(100_000, 100_000);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        var rejection = Rejected(bomb);

        Assert.Equal(RejectionReason.TooManyPixels, rejection.Reason);
        Assert.Contains("100000x100000", rejection.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore < 1_000_000, "the rejection allocated pixel memory");
    }

    [Fact]
    public void Files_over_the_byte_limit_are_rejected_as_too_large()
    {
        var png = ImageEncoder.Encode(TestImages.Gradient(16, 16), ImageFormat.Png);
        Assert.Equal(RejectionReason.TooLarge, Rejected(png, new DecodeOptions(MaxEncodedBytes: png.Length - 1)).Reason);
        var fromStream = Assert.Throws<ImageRejectedException>(() =>
            ImageDecoder.Decode(new MemoryStream(png), new DecodeOptions(MaxEncodedBytes: 100)));
        Assert.Equal(RejectionReason.TooLarge, fromStream.Reason);
    }

    [Fact]
    public void Formats_outside_the_allow_list_are_rejected()
    {
        var png = ImageEncoder.Encode(TestImages.Gradient(8, 8), ImageFormat.Png);
        var rejection = Rejected(png, new DecodeOptions(AllowedFormats: new HashSet<ImageFormat> { ImageFormat.Jpeg }));
        Assert.Equal(RejectionReason.UnsupportedFormat, rejection.Reason);
    }
}
