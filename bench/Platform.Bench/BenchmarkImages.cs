using SkiaSharp;

namespace Platform.Bench;

/// <summary>
/// The loader benchmark's inputs: 256×256 JPEGs held in memory, made from the art4apps photos
/// (200×200, resized up to 256) when the set-up script has extracted them, else from synthetic pictures.
/// </summary>
internal static class BenchmarkImages
{
    public const int Side = 256;

    public static (List<byte[]> Jpegs, string Origin) Create(int count)
    {
        var folder = FindArt4Apps();
        if (folder is not null)
        {
            var files = Directory.EnumerateFiles(folder, "*.jpg", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(count).ToList();
            if (files.Count > 0)
            {
                return (files.Select(f => ResizeToJpeg(File.ReadAllBytes(f))).ToList(), $"{files.Count} art4apps photos resized 200→256");
            }
        }

        return (Enumerable.Range(0, count).Select(Synthetic).ToList(), $"{count} synthetic pictures");
    }

    private static byte[] ResizeToJpeg(byte[] original)
    {
        using var bitmap = SKBitmap.Decode(original);
        using var resized = bitmap.Resize(new SKImageInfo(Side, Side, SKColorType.Rgba8888, SKAlphaType.Premul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
        return Encode(resized);
    }

    private static byte[] Synthetic(int index)
    {
        using var bitmap = new SKBitmap(Side, Side, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var canvas = new SKCanvas(bitmap);
        var random = new Random(index);
        canvas.Clear(new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
        using var paint = new SKPaint { IsAntialias = true };
        for (var shape = 0; shape < 12; shape++)
        {
            paint.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
            canvas.DrawCircle(random.Next(Side), random.Next(Side), 10 + random.Next(60), paint);
        }

        return Encode(bitmap);
    }

    private static byte[] Encode(SKBitmap bitmap)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }

    public static string? FindArt4Apps()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Platform.sln")))
            {
                var folder = Path.Combine(directory.FullName, ".data", "art4apps");
                return Directory.Exists(folder) ? folder : null;
            }
        }

        return null;
    }
}
