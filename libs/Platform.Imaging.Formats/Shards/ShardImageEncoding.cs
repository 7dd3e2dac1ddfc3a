namespace Platform.Imaging.Formats.Shards;

/// <summary>How a record's payload holds the image.</summary>
public enum ShardImageEncoding : byte
{
    Png = 0,
    Jpeg = 1,
    Webp = 2,

    /// <summary>Width × Height × Channels bytes, interleaved, as in <see cref="ImageBuffer.Pixels"/>.</summary>
    RawPixels = 3,
}
