using System.IO.Compression;
using Platform.Imaging;
using Platform.Imaging.Formats;

namespace Platform.Ingest.Tests;

/// <summary>Builds upload archives in memory, including the hostile kinds.</summary>
internal static class TestArchives
{
    public sealed record Entry(string Path, byte[] Content, bool IsSymlink = false, CompressionLevel Level = CompressionLevel.Fastest);

    public static byte[] Zip(IEnumerable<Entry> entries)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                var zipEntry = archive.CreateEntry(entry.Path, entry.Level);
                if (entry.IsSymlink)
                {
                    const int unixSymlink = 0xA1FF;
                    zipEntry.ExternalAttributes = unixSymlink << 16;
                }
                using var stream = zipEntry.Open();
                stream.Write(entry.Content);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>A small PNG whose content differs for every (seed).</summary>
    public static byte[] Png(int seed, int size = 16)
    {
        var image = ImageBuffer.Create(size, size, 3);
        var random = new Random(seed);
        random.NextBytes(image.Pixels);
        return ImageEncoder.Encode(image, ImageFormat.Png);
    }

    public static byte[] Jpeg(int seed, int size = 32)
    {
        var image = ImageBuffer.Create(size, size, 3);
        for (var i = 0; i < image.Pixels.Length; i++)
        {
            image.Pixels[i] = (byte)((i * 7 + seed * 13) % 256);
        }
        return ImageEncoder.Encode(image, ImageFormat.Jpeg, 90);
    }

    /// <summary>
    /// Edits the headers of one entry of a zip made by <see cref="Zip"/>: <paramref name="edit"/> gets the offsets of its local
    /// header and of its central-directory record (found by the entry's name, which appears once in each).
    /// </summary>
    public static byte[] Crafted(byte[] zip, string entryName, Action<byte[], int, int> edit)
    {
        var name = System.Text.Encoding.UTF8.GetBytes(entryName);
        var local = zip.AsSpan().IndexOf(name) - 30;
        var central = local + 30 + zip.AsSpan(local + 30 + name.Length).IndexOf(name) + name.Length - 46;
        var copy = (byte[])zip.Clone();
        edit(copy, local, central);
        return copy;
    }

    public static void WriteUInt16(byte[] data, int at, int value) => System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(at), (ushort)value);

    public static void WriteUInt32(byte[] data, int at, uint value) => System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at), value);

    public static uint ReadUInt32(byte[] data, int at) => System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at));
}
