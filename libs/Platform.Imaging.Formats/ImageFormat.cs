namespace Platform.Imaging.Formats;

/// <summary>Encoded image formats this library decodes (GIF: first frame only).</summary>
public enum ImageFormat
{
    Jpeg,
    Png,
    Webp,
    Gif,
    Bmp,
}
