using SkiaSharp;

namespace Platform.Imaging;

/// <summary>
/// EXIF orientation as a walk over the stored pixels: displayed pixel (x, y) is stored pixel
/// Start + x·StepX + y·StepY (in pixels, row-major, stored width w). Origins 5–8 swap width and height.
/// </summary>
internal readonly record struct Orientation(int Width, int Height, int Start, int StepX, int StepY)
{
    public static bool SwapsAxes(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    public static Orientation Walk(SKEncodedOrigin origin, int w, int h) => origin switch
    {
        SKEncodedOrigin.TopRight => new(w, h, w - 1, -1, w),                      // 2: mirrored horizontally
        SKEncodedOrigin.BottomRight => new(w, h, (h - 1) * w + w - 1, -1, -w),    // 3: rotated 180°
        SKEncodedOrigin.BottomLeft => new(w, h, (h - 1) * w, 1, -w),              // 4: mirrored vertically
        SKEncodedOrigin.LeftTop => new(h, w, 0, w, 1),                            // 5: transposed
        SKEncodedOrigin.RightTop => new(h, w, (h - 1) * w, -w, 1),                // 6: needs 90° clockwise
        SKEncodedOrigin.RightBottom => new(h, w, (h - 1) * w + w - 1, -w, -1),    // 7: transversed
        SKEncodedOrigin.LeftBottom => new(h, w, w - 1, w, -1),                    // 8: needs 90° counter-clockwise
        _ => new(w, h, 0, 1, w),                                                  // 1: as stored
    };
}
