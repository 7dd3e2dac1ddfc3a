using System.Buffers.Binary;
using System.IO.Compression;

namespace Platform.Imaging.Formats.Data;

/// <summary>
/// MNIST-style IDX files (LeCun's format): an IDX3 unsigned-byte image file (magic 0x00000803, count, rows, cols,
/// then pixels) and an IDX1 label file (magic 0x00000801, count, labels). Gzip is detected from the content.
/// Images stay 1-channel. Everything is held in memory (Fashion-MNIST train: 47 MB).
/// </summary>
public sealed class IdxDataset : ILabeledImageSource
{
    public static readonly IReadOnlyList<string> FashionMnistClasses =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    public static readonly IReadOnlyList<string> MnistClasses = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    private const int ImagesMagic = 0x00000803;
    private const int PixelOffset = 4 + 4 * 3;
    private const int LabelsMagic = 0x00000801;

    // The whole image file as read; pixels start at PixelOffset (kept in place to avoid a second 47 MB copy).
    private readonly byte[] _imageFile;
    private readonly byte[] _labels;

    private IdxDataset(byte[] imageFile, byte[] labels, int width, int height, IReadOnlyList<string> classes)
    {
        _imageFile = imageFile;
        _labels = labels;
        Width = width;
        Height = height;
        Classes = classes;
    }

    public int Count => _labels.Length;

    public int Width { get; }

    public int Height { get; }

    public IReadOnlyList<string> Classes { get; }

    /// <summary>Opens an image file and a label file (either may be gzip-compressed).</summary>
    /// <param name="classes">Class names; when null, the labels' decimal values ("0", "1", …) up to the largest label.</param>
    public static IdxDataset Open(string imagesPath, string labelsPath, IReadOnlyList<string>? classes = null)
    {
        using var images = File.OpenRead(imagesPath);
        using var labels = File.OpenRead(labelsPath);
        return Read(images, labels, classes, imagesPath, labelsPath);
    }

    /// <summary>Reads IDX content from streams (either may be gzip-compressed).</summary>
    public static IdxDataset Read(Stream images, Stream labels, IReadOnlyList<string>? classes = null,
        string imagesName = "images", string labelsName = "labels")
    {
        var imageBytes = ReadAll(images);
        var labelBytes = ReadAll(labels);

        var imageHeader = ReadHeader(imageBytes, ImagesMagic, 3, imagesName);
        var labelHeader = ReadHeader(labelBytes, LabelsMagic, 1, labelsName);
        var (count, height, width) = (imageHeader[0], imageHeader[1], imageHeader[2]);
        if (height < 1 || width < 1)
        {
            throw new InvalidDataException($"{imagesName}: image size {width}x{height} is not valid.");
        }

        if (labelHeader[0] != count)
        {
            throw new InvalidDataException($"{imagesName} holds {count} images but {labelsName} holds {labelHeader[0]} labels.");
        }

        var expectedImageBytes = PixelOffset + (long)count * width * height;
        if (imageBytes.Length != expectedImageBytes)
        {
            throw new InvalidDataException(
                $"{imagesName}: expected {expectedImageBytes} bytes for {count} images of {width}x{height}, found {imageBytes.Length} (truncated or padded).");
        }

        var labelDataOffset = 4 + 4;
        if (labelBytes.Length != labelDataOffset + count)
        {
            throw new InvalidDataException(
                $"{labelsName}: expected {labelDataOffset + count} bytes for {count} labels, found {labelBytes.Length} (truncated or padded).");
        }

        var labelValues = labelBytes[labelDataOffset..];
        var largestLabel = count == 0 ? -1 : labelValues.Max();
        var classNames = classes ?? [.. Enumerable.Range(0, largestLabel + 1).Select(label => label.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        if (largestLabel >= classNames.Count)
        {
            throw new InvalidDataException($"{labelsName}: label {largestLabel} has no class name ({classNames.Count} classes given).");
        }

        return new IdxDataset(imageBytes, labelValues, width, height, classNames);
    }

    public int GetLabel(int index) => _labels[index];

    public ImageBuffer Load(int index)
    {
        var length = Width * Height;
        return new ImageBuffer(Width, Height, 1, _imageFile.AsSpan(PixelOffset + index * length, length).ToArray());
    }

    private static int[] ReadHeader(byte[] content, int expectedMagic, int dimensions, string name)
    {
        var headerLength = 4 + 4 * dimensions;
        if (content.Length < headerLength)
        {
            throw new InvalidDataException($"{name}: {content.Length} bytes is too short for an IDX header.");
        }

        var magic = BinaryPrimitives.ReadInt32BigEndian(content);
        if (magic != expectedMagic)
        {
            throw new InvalidDataException(
                $"{name}: magic number 0x{magic:X8} is not 0x{expectedMagic:X8} (unsigned bytes, {dimensions} dimension(s)).");
        }

        var sizes = new int[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            sizes[i] = BinaryPrimitives.ReadInt32BigEndian(content.AsSpan(4 + 4 * i));
            if (sizes[i] < 0)
            {
                throw new InvalidDataException($"{name}: dimension {i} is negative ({sizes[i]}).");
            }
        }

        return sizes;
    }

    /// <summary>What an IDX file holds, read from its magic number (through gzip when compressed); None for anything else.</summary>
    public static IdxFileKind KindOf(string path)
    {
        if (!File.Exists(path))
        {
            return IdxFileKind.None;
        }
        try
        {
            using var file = File.OpenRead(path);
            Span<byte> start = stackalloc byte[4];
            if (file.ReadAtLeast(start, 4, throwOnEndOfStream: false) < 4)
            {
                return IdxFileKind.None;
            }
            if (start[0] == 0x1F && start[1] == 0x8B)
            {
                file.Position = 0;
                using var gzip = new GZipStream(file, CompressionMode.Decompress);
                if (gzip.ReadAtLeast(start, 4, throwOnEndOfStream: false) < 4)
                {
                    return IdxFileKind.None;
                }
            }
            return BinaryPrimitives.ReadInt32BigEndian(start) switch
            {
                ImagesMagic => IdxFileKind.Images,
                LabelsMagic => IdxFileKind.Labels,
                _ => IdxFileKind.None,
            };
        }
        catch (InvalidDataException)
        {
            return IdxFileKind.None;
        }
    }

    private static byte[] ReadAll(Stream stream)
    {
        var buffered = new MemoryStream();
        stream.CopyTo(buffered);
        var bytes = buffered.ToArray();
        if (bytes.Length >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B)
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            var inflated = new MemoryStream();
            try
            {
                gzip.CopyTo(inflated);
            }
            catch (InvalidDataException exception)
            {
                throw new InvalidDataException($"The gzip stream is corrupt: {exception.Message}", exception);
            }

            return inflated.ToArray();
        }

        return bytes;
    }
}
