using Platform.Imaging.Formats;
namespace Platform.Imaging;

/// <summary>
/// Decoding policy. Limits are checked before any pixel is decoded: the encoded size first, then the width × height
/// the file declares. Defaults: 32 MiB encoded, 40 megapixels (a 40 MP RGBA decode needs 160 MB), all formats.
/// </summary>
public sealed record DecodeOptions(int Channels = 3, long MaxEncodedBytes = 32L * 1024 * 1024, long MaxPixels = 40_000_000,
                                   IReadOnlySet<ImageFormat>? AllowedFormats = null)
{
    public static readonly IReadOnlySet<ImageFormat> AllFormats = new HashSet<ImageFormat>(Enum.GetValues<ImageFormat>());

    public static readonly DecodeOptions Default = new();

    public IReadOnlySet<ImageFormat> Formats => AllowedFormats ?? AllFormats;

    public DecodeOptions Validated()
    {
        if (Channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(Channels), Channels, "Decode to 1 (grayscale) or 3 (RGB) channels.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEncodedBytes, 1, nameof(MaxEncodedBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPixels, 1, nameof(MaxPixels));
        return this;
    }
}
