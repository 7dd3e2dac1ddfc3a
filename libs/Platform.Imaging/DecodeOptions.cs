using Platform.Imaging.Formats;
namespace Platform.Imaging;

/// <summary>
/// Decoding policy. Limits are checked before any pixel is decoded: the encoded size first, then the width × height
/// the file declares, then its side ratio. Defaults: 32 MiB encoded, 40 megapixels (a 40 MP RGBA decode needs 160 MB), the
/// formats and side ratio of <see cref="AcceptedImages"/> (the definition ingest and inference share).
/// </summary>
public sealed record DecodeOptions(int Channels = 3, long MaxEncodedBytes = 32L * 1024 * 1024, long MaxPixels = 40_000_000,
                                   IReadOnlySet<ImageFormat>? AllowedFormats = null, double MaxAspectRatio = AcceptedImages.MaxAspectRatio)
{
    public static readonly DecodeOptions Default = new();

    public IReadOnlySet<ImageFormat> Formats => AllowedFormats ?? AcceptedImages.Formats;

    public DecodeOptions Validated()
    {
        if (Channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(Channels), Channels, "Decode to 1 (grayscale) or 3 (RGB) channels.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEncodedBytes, 1, nameof(MaxEncodedBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPixels, 1, nameof(MaxPixels));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAspectRatio, 1, nameof(MaxAspectRatio));
        return this;
    }
}
