using Platform.Imaging.Formats;
using Platform.Imaging.Formats.Shards;

namespace Platform.Imaging.Shards;

/// <summary>Decoding a stored record back into pixels (the shard format itself knows nothing of codecs).</summary>
public static class ShardRecordImages
{
    /// <summary>The decoded image, converted to <paramref name="channels"/> channels when given.</summary>
    public static ImageBuffer ToImage(this ShardRecord record, int? channels = null)
    {
        var image = record.Encoding == ShardImageEncoding.RawPixels
            ? new ImageBuffer(record.Width, record.Height, record.Channels, record.Payload)
            : ImageDecoder.Decode(record.Payload, new DecodeOptions(Channels: channels ?? record.Channels));
        return image.WithChannels(channels ?? record.Channels);
    }
}
