namespace Platform.Imaging.Formats;

/// <summary>
/// The one definition of what an image upload may be, shared by ingest (dataset files), inference (predict requests) and the CLI
/// (which files of a folder it sends): the formats, the file extensions that name them, their content types, and the shape limit.
/// A file that ingest accepts into a dataset is a file that inference accepts for a prediction, and the other way round.
/// </summary>
public static class AcceptedImages
{
    /// <summary>
    /// Longest side over shortest side beyond which an image is refused. A 1×40,000,000 strip passes any pixel limit but is no
    /// photograph: resized to a model's square input it becomes a line of a few pixels, and decoding it costs a full-width row buffer
    /// per line. Panoramas (up to about 10:1) and tall receipts stay well inside.
    /// </summary>
    public const double MaxAspectRatio = 20;

    /// <summary>Every format both services decode (GIF and animated WebP: the first frame).</summary>
    public static readonly IReadOnlySet<ImageFormat> Formats = new HashSet<ImageFormat>(Enum.GetValues<ImageFormat>());

    /// <summary>File extensions (lowercase, with the dot) that name an accepted image.</summary>
    public static readonly IReadOnlySet<string> Extensions =
        new HashSet<string>([".jpg", ".jpeg", ".png", ".webp", ".gif", ".bmp"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The formats as a user reads them in an error message.</summary>
    public const string Description = "JPEG, PNG, WebP, GIF (first frame) or BMP";

    /// <summary>The content type a stored or served image of this format is sent with.</summary>
    public static string ContentType(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "image/jpeg",
        ImageFormat.Png => "image/png",
        ImageFormat.Webp => "image/webp",
        ImageFormat.Gif => "image/gif",
        ImageFormat.Bmp => "image/bmp",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };

    /// <summary>True when the side ratio of a width × height is within <see cref="MaxAspectRatio"/>.</summary>
    public static bool HasAcceptedShape(int width, int height) =>
        width > 0 && height > 0 && Math.Max(width, height) <= MaxAspectRatio * Math.Min(width, height);
}
