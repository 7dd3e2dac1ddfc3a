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
}
