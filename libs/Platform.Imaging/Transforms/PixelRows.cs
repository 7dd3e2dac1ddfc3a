using Platform.Imaging.Formats;

namespace Platform.Imaging.Transforms;

/// <summary>Interleaved 8-bit pixels with the byte offset of each output channel inside a pixel.</summary>
internal readonly record struct PixelRows(byte[] Pixels, int RowBytes, int PixelStride, int RedOffset, int GreenOffset, int BlueOffset)
{
    public static PixelRows Of(ImageBuffer image) => image.Channels == 1
        ? new PixelRows(image.Pixels, image.RowBytes, 1, 0, 0, 0)
        : new PixelRows(image.Pixels, image.RowBytes, 3, 0, 1, 2);
}
