using SkiaSharp;
using Platform.Imaging.Formats;

namespace Platform.Imaging;

/// <summary>What an encoded image declares about itself, read without decoding pixels.</summary>
public sealed record ImageHeader(ImageFormat Format, int Width, int Height, SKEncodedOrigin Origin)
{
    /// <summary>Width and height as displayed, after the EXIF orientation is applied.</summary>
    public (int Width, int Height) OrientedSize => Orientation.SwapsAxes(Origin) ? (Height, Width) : (Width, Height);
}
