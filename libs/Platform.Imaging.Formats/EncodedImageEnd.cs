using System.Buffers.Binary;

namespace Platform.Imaging.Formats;

/// <summary>
/// Finds where a JPEG, PNG or WebP file's image data ends, by walking its structure (JPEG segments and entropy-coded scans to the
/// EOI marker, PNG chunks to IEND, the RIFF length of WebP). Anything after that point is not part of the image: a ZIP end record
/// or an HTML page appended there makes the file a polyglot, which other programs would open as an archive or a page. Ingest stores
/// only the bytes up to this end, so nothing it stores or serves back is two files at once.
/// </summary>
public static class EncodedImageEnd
{
    /// <summary>The length of the image proper, or null when the structure cannot be walked to its end (the caller re-encodes).</summary>
    public static int? Find(ReadOnlySpan<byte> data, ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => JpegEnd(data),
        ImageFormat.Png => PngEnd(data),
        ImageFormat.Webp => WebpEnd(data),
        _ => null,
    };

    private static int? JpegEnd(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4 || data[0] != 0xFF || data[1] != 0xD8)
        {
            return null;
        }
        var position = 2;
        while (position + 1 < data.Length)
        {
            if (data[position] != 0xFF)
            {
                return null;
            }
            var marker = data[position + 1];
            if (marker == 0xFF)
            {
                position++; // fill byte
                continue;
            }
            if (marker == 0xD9)
            {
                return position + 2;
            }
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                position += 2; // markers without a length
                continue;
            }
            if (position + 3 >= data.Length)
            {
                return null;
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(position + 2)..]);
            if (length < 2)
            {
                return null;
            }
            position += 2 + length;
            if (marker == 0xDA)
            {
                // Entropy-coded data follows the scan header: it ends at the first marker that is neither a stuffed 0xFF00 nor a restart.
                while (position + 1 < data.Length && !(data[position] == 0xFF && data[position + 1] is not 0x00 and not (>= 0xD0 and <= 0xD7)))
                {
                    position++;
                }
            }
        }
        return null;
    }

    private static int? PngEnd(ReadOnlySpan<byte> data)
    {
        const int signatureLength = 8;
        if (data.Length < signatureLength || data[0] != 0x89)
        {
            return null;
        }
        long position = signatureLength;
        while (position + 12 <= data.Length)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(data[(int)position..]);
            var type = data.Slice((int)position + 4, 4);
            var end = position + 12 + length;
            if (end > data.Length)
            {
                return null;
            }
            if (type.SequenceEqual("IEND"u8))
            {
                return (int)end;
            }
            position = end;
        }
        return null;
    }

    private static int? WebpEnd(ReadOnlySpan<byte> data)
    {
        if (data.Length < 12 || !data[..4].SequenceEqual("RIFF"u8) || !data[8..12].SequenceEqual("WEBP"u8))
        {
            return null;
        }
        var end = 8L + BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
        // RIFF pads an odd-sized payload with one byte, which some writers leave out at the end of the file.
        return end <= data.Length ? (int)Math.Min(end + end % 2, data.Length) : null;
    }
}
