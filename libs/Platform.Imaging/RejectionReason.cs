namespace Platform.Imaging;

/// <summary>Why an image was refused; stable names for reports and API error codes.</summary>
public enum RejectionReason
{
    /// <summary>No bytes at all.</summary>
    Empty,

    /// <summary>More encoded bytes than the configured limit.</summary>
    TooLarge,

    /// <summary>Not an image format that is recognised and allowed.</summary>
    UnsupportedFormat,

    /// <summary>A recognised format whose content is damaged.</summary>
    Corrupt,

    /// <summary>The data ends before the image does.</summary>
    Truncated,

    /// <summary>The declared width × height exceeds the limit (decompression bomb guard, checked before decoding).</summary>
    TooManyPixels,

    /// <summary>The longer side is more than the allowed multiple of the shorter (a strip, not a picture); checked before decoding.</summary>
    ExtremeAspectRatio,
}
