using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Imaging;
using Platform.Imaging.Formats;
using Platform.Ingest.Datasets;
using Platform.Ingest.Health;

namespace Platform.Ingest.Tests;

/// <summary>The embedder of the health tests, loaded once from the ResNet-18 file the ingest build copies next to the tests.</summary>
public static class HealthTestModel
{
    private static readonly Lazy<ImageEmbedder> Shared = new(() =>
        new ImageEmbedderProvider(Options.Create(new IngestOptions()), NullLogger<ImageEmbedderProvider>.Instance).TryGet(out var reason)
        ?? throw new InvalidOperationException($"The embedding model is missing: {reason}"));

    public static ImageEmbedder Embedder => Shared.Value;

    public static EmbeddingSet Embed(IReadOnlyList<ImageBuffer> images) => Embedder.Embed(images.Select((image, i) => (i, image)), images.Count);

    /// <summary>A centre crop keeping <paramref name="fraction"/> of each side.</summary>
    public static ImageBuffer CentreCrop(ImageBuffer image, double fraction)
    {
        int width = (int)(image.Width * fraction), height = (int)(image.Height * fraction);
        int left = (image.Width - width) / 2, top = (image.Height - height) / 2;
        var pixels = new byte[width * height * image.Channels];
        for (var y = 0; y < height; y++)
        {
            Array.Copy(image.Pixels, ((top + y) * image.Width + left) * image.Channels, pixels, y * width * image.Channels, width * image.Channels);
        }
        return new ImageBuffer(width, height, image.Channels, pixels);
    }

    /// <summary>A resized, a recompressed or a cropped copy, by <paramref name="kind"/> modulo 3.</summary>
    public static ImageBuffer PlantedCopy(ImageBuffer image, int kind, Random random) => (kind % 3) switch
    {
        0 => ScaleBoth(image, random),
        1 => ImageDecoder.Decode(ImageEncoder.Encode(image, ImageFormat.Jpeg, 30 + random.Next(40)), new DecodeOptions(image.Channels)),
        _ => CentreCrop(image, 0.9 + random.NextDouble() * 0.05),
    };

    private static ImageBuffer ScaleBoth(ImageBuffer image, Random random)
    {
        var scale = 0.5 + random.NextDouble();
        return ImageResizer.Resize(image, Math.Max(8, (int)(image.Width * scale)), Math.Max(8, (int)(image.Height * scale)));
    }
}
