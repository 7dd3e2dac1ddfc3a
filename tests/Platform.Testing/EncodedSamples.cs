using System.Buffers.Binary;
using System.Text;

using Platform.Imaging.Formats;

namespace Platform.Testing;

/// <summary>Hand-built encoded files for formats SkiaSharp cannot encode, and byte-level surgery on encoded files.</summary>
public static class EncodedSamples
{
    /// <summary>A 24-bit uncompressed BMP (bottom-up rows, BGR, rows padded to 4 bytes).</summary>
    public static byte[] Bmp(ImageBuffer rgb)
    {
        var rowBytes = (rgb.Width * 3 + 3) / 4 * 4;
        var file = new byte[54 + rowBytes * rgb.Height];
        file[0] = (byte)'B';
        file[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(2), file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(18), rgb.Width);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(22), rgb.Height);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(34), rowBytes * rgb.Height);
        for (var y = 0; y < rgb.Height; y++)
        {
            var row = 54 + (rgb.Height - 1 - y) * rowBytes;
            for (var x = 0; x < rgb.Width; x++)
            {
                var source = 3 * (y * rgb.Width + x);
                file[row + 3 * x] = rgb.Pixels[source + 2];
                file[row + 3 * x + 1] = rgb.Pixels[source + 1];
                file[row + 3 * x + 2] = rgb.Pixels[source];
            }
        }

        return file;
    }

    /// <summary>
    /// A GIF89a with a 4-colour palette and one image per frame, each given as palette indices. The LZW stream sends a clear code before
    /// every pair of pixels, so the code table never grows past 3-bit codes and no compression logic is needed.
    /// </summary>
    public static byte[] Gif(int width, int height, (byte R, byte G, byte B)[] palette, params byte[][] frames)
    {
        var output = new List<byte>();
        output.AddRange(Encoding.ASCII.GetBytes("GIF89a"));
        output.AddRange([(byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8)]);
        output.AddRange([0xF1, 0, 0]); // global colour table of 2^(1+1) = 4 entries
        foreach (var (r, g, b) in palette)
        {
            output.AddRange([r, g, b]);
        }

        foreach (var indices in frames)
        {
            output.AddRange([0x2C, 0, 0, 0, 0, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0]);
            output.AddRange(LzwImageData(indices));
        }

        output.Add(0x3B);
        return [.. output];
    }

    private static List<byte> LzwImageData(byte[] indices)
    {
        const int clear = 4, end = 5, codeBits = 3;
        var codes = new List<int>();
        for (var i = 0; i < indices.Length; i++)
        {
            if (i % 2 == 0)
            {
                codes.Add(clear);
            }

            codes.Add(indices[i]);
        }

        codes.Add(end);
        var packed = new List<byte>();
        int bitBuffer = 0, bitCount = 0;
        foreach (var code in codes)
        {
            bitBuffer |= code << bitCount;
            bitCount += codeBits;
            while (bitCount >= 8)
            {
                packed.Add((byte)bitBuffer);
                bitBuffer >>= 8;
                bitCount -= 8;
            }
        }

        if (bitCount > 0)
        {
            packed.Add((byte)bitBuffer);
        }

        var output = new List<byte> { 2 }; // LZW minimum code size
        for (var offset = 0; offset < packed.Count; offset += 255)
        {
            var length = Math.Min(255, packed.Count - offset);
            output.Add((byte)length);
            output.AddRange(packed.GetRange(offset, length));
        }

        output.Add(0); // end of the frame's data sub-blocks
        return output;
    }

    /// <summary>Inserts an APP1 EXIF segment declaring the given orientation right after the JPEG's SOI marker.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        var segment = new List<byte> { 0xFF, 0xE1, 0, 34 };                 // APP1, length 34 (includes itself)
        segment.AddRange(Encoding.ASCII.GetBytes("Exif\0\0"));
        segment.AddRange([(byte)'M', (byte)'M', 0, 0x2A, 0, 0, 0, 8]);         // big-endian TIFF, IFD0 at offset 8
        segment.AddRange([0, 1]);                                              // one entry
        segment.AddRange([0x01, 0x12, 0, 3, 0, 0, 0, 1, (byte)(orientation >> 8), (byte)orientation, 0, 0]); // Orientation, SHORT
        segment.AddRange([0, 0, 0, 0]);                                        // no next IFD
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>A PNG signature, an IHDR declaring the size, one small IDAT and IEND: a header without real pixels.</summary>
    public static byte[] PngHeader(int width, int height)
    {
        var file = new List<byte> { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A };
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type RGB
        AddChunk(file, "IHDR", header);
        AddChunk(file, "IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
        AddChunk(file, "IEND", []);
        return [.. file];
    }

    private static void AddChunk(List<byte> file, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        file.AddRange(length);
        byte[] typed = [.. Encoding.ASCII.GetBytes(type), .. data];
        file.AddRange(typed);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        file.AddRange(crc);
    }

    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var value in data)
        {
            crc ^= value;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
