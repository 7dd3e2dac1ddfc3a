using Platform.Imaging.Formats.Data;
using Platform.Imaging.Formats;

namespace Platform.Imaging.Tests;

internal static class TestImages
{
    public static ImageBuffer Solid(int width, int height, byte red, byte green, byte blue)
    {
        var image = ImageBuffer.Create(width, height, 3);
        for (var i = 0; i < width * height; i++)
        {
            image.Pixels[3 * i] = red;
            image.Pixels[3 * i + 1] = green;
            image.Pixels[3 * i + 2] = blue;
        }

        return image;
    }

    /// <summary>An RGB image whose pixel values vary with position, so crops and flips change the output.</summary>
    public static ImageBuffer Gradient(int width, int height, int salt = 0)
    {
        var image = ImageBuffer.Create(width, height, 3);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var offset = 3 * (y * width + x);
                image.Pixels[offset] = (byte)(x * 255 / Math.Max(1, width - 1));
                image.Pixels[offset + 1] = (byte)(y * 255 / Math.Max(1, height - 1));
                image.Pixels[offset + 2] = (byte)((x * 7 + y * 13 + salt) % 256);
            }
        }

        return image;
    }

}

/// <summary>An in-memory source over given images and labels; counts loads so tests can observe the loader.</summary>
internal sealed class InMemorySource(IReadOnlyList<ImageBuffer> images, IReadOnlyList<int> labels, IReadOnlyList<string> classes)
    : ILabeledImageSource
{
    private int _loads;
    private int _highestLoadedIndex = -1;

    public int Count => images.Count;

    public IReadOnlyList<string> Classes => classes;

    public int Loads => Volatile.Read(ref _loads);

    public int HighestLoadedIndex => Volatile.Read(ref _highestLoadedIndex);

    public Func<int, Exception?> FailWhen { get; set; } = _ => null;

    /// <summary>Images whose first pixel encodes their index (index % 256), labels index % classCount.</summary>
    public static InMemorySource Numbered(int count, int classCount, int size = 4, int channels = 1) =>
        new([.. Enumerable.Range(0, count).Select(i =>
            {
                var image = ImageBuffer.Create(size, size, channels);
                Array.Fill(image.Pixels, (byte)(i % 256));
                return image;
            })],
            [.. Enumerable.Range(0, count).Select(i => i % classCount)],
            [.. Enumerable.Range(0, classCount).Select(c => $"class{c}")]);

    public static InMemorySource WithLabels(IReadOnlyList<int> labels, int classCount) =>
        new([.. labels.Select(_ => ImageBuffer.Create(2, 2, 1))], labels, [.. Enumerable.Range(0, classCount).Select(c => $"class{c}")]);

    public int GetLabel(int index) => labels[index];

    public ImageBuffer Load(int index)
    {
        Interlocked.Increment(ref _loads);
        int observed;
        do
        {
            observed = Volatile.Read(ref _highestLoadedIndex);
        }
        while (index > observed && Interlocked.CompareExchange(ref _highestLoadedIndex, index, observed) != observed);

        if (FailWhen(index) is { } failure)
        {
            throw failure;
        }

        return images[index];
    }
}
