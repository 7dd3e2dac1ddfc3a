using System.Buffers.Binary;
using System.IO.Compression;
using Platform.Imaging.Formats.Data;
using Platform.Testing;

namespace Platform.Imaging.Tests.Data;

public class IdxDatasetTests
{
    private const string FashionMnist = RepositoryPaths.FashionMnistFolder;

    private static string DataFile(string name)
    {
        var path = Path.Combine(FashionMnist, name);
        Assert.True(File.Exists(path), $"{path} is missing: run scripts/setup.sh (installs dataset-fashion-mnist).");
        return path;
    }

    private static IdxDataset OpenFashion(string split) => IdxDataset.Open(
        DataFile($"{split}-images-idx3-ubyte.gz"), DataFile($"{split}-labels-idx1-ubyte.gz"), IdxDataset.FashionMnistClasses);

    [Fact]
    public void Fashion_mnist_train_has_60000_28x28_images_6000_per_class()
    {
        var train = OpenFashion("train");

        Assert.Equal(60_000, train.Count);
        Assert.Equal((28, 28), (train.Width, train.Height));
        Assert.Equal(10, train.Classes.Count);
        Assert.Equal("Ankle boot", train.Classes[9]);
        Assert.All(Labels.CountPerClass(Labels.Of(train), 10), count => Assert.Equal(6000, count));
        var image = train.Load(59_999);
        Assert.Equal((28, 28, 1), (image.Width, image.Height, image.Channels));
        Assert.Contains(image.Pixels, p => p > 0);
    }

    [Fact]
    public void Fashion_mnist_test_has_10000_images()
    {
        Assert.Equal(10_000, OpenFashion("t10k").Count);
    }

    [Fact]
    public void Raw_and_gzip_files_read_the_same()
    {
        using var imagesGz = new GZipStream(File.OpenRead(DataFile("t10k-images-idx3-ubyte.gz")), CompressionMode.Decompress);
        using var labelsGz = new GZipStream(File.OpenRead(DataFile("t10k-labels-idx1-ubyte.gz")), CompressionMode.Decompress);
        var raw = IdxDataset.Read(imagesGz, labelsGz);
        var compressed = OpenFashion("t10k");

        Assert.Equal(compressed.Count, raw.Count);
        Assert.Equal(compressed.Load(1234).Pixels, raw.Load(1234).Pixels);
        Assert.Equal(compressed.GetLabel(1234), raw.GetLabel(1234));
        Assert.Equal(IdxDataset.MnistClasses, raw.Classes);
    }

    [Fact]
    public void Reads_a_hand_built_file_pixel_for_pixel()
    {
        var dataset = IdxDataset.Read(new MemoryStream(Images(2, 2, 3, [.. Enumerable.Range(0, 12).Select(i => (byte)i)])),
            new MemoryStream(LabelFile([1, 0])), ["zero", "one"]);

        Assert.Equal(2, dataset.Count);
        Assert.Equal((3, 2), (dataset.Width, dataset.Height));
        Assert.Equal([6, 7, 8, 9, 10, 11], dataset.Load(1).Pixels);
        Assert.Equal(1, dataset.GetLabel(0));
    }

    [Fact]
    public void A_file_s_kind_comes_from_its_magic_number_raw_or_gzipped()
    {
        var folder = Directory.CreateTempSubdirectory("idx-kind-").FullName;
        try
        {
            var rawImages = Path.Combine(folder, "a");
            var rawLabels = Path.Combine(folder, "b");
            var other = Path.Combine(folder, "c");
            File.WriteAllBytes(rawImages, Images(1, 2, 2, new byte[4]));
            File.WriteAllBytes(rawLabels, LabelFile([1]));
            File.WriteAllBytes(other, [0x89, 0x50, 0x4E, 0x47, 0, 0]);

            Assert.Equal(IdxFileKind.Images, IdxDataset.KindOf(rawImages));
            Assert.Equal(IdxFileKind.Labels, IdxDataset.KindOf(rawLabels));
            Assert.Equal(IdxFileKind.Images, IdxDataset.KindOf(DataFile("t10k-images-idx3-ubyte.gz")));
            Assert.Equal(IdxFileKind.Labels, IdxDataset.KindOf(DataFile("t10k-labels-idx1-ubyte.gz")));
            Assert.Equal(IdxFileKind.None, IdxDataset.KindOf(other));
            Assert.Equal(IdxFileKind.None, IdxDataset.KindOf(Path.Combine(folder, "missing")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Wrong_magic_number_is_rejected()
    {
        var labelsAsImages = LabelFile([1, 0, 1, 0, 1, 0, 1, 0]);
        var error = Assert.Throws<InvalidDataException>(() =>
            IdxDataset.Read(new MemoryStream(labelsAsImages), new MemoryStream(LabelFile([1, 0]))));
        Assert.Contains("magic", error.Message);
    }

    [Fact]
    public void Truncated_image_data_is_rejected()
    {
        var images = Images(2, 2, 2, new byte[8]);
        var error = Assert.Throws<InvalidDataException>(() =>
            IdxDataset.Read(new MemoryStream(images[..^1]), new MemoryStream(LabelFile([0, 0]))));
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void Image_and_label_counts_must_match()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            IdxDataset.Read(new MemoryStream(Images(2, 1, 1, new byte[2])), new MemoryStream(LabelFile([0, 0, 0]))));
        Assert.Contains("3 labels", error.Message);
    }

    [Fact]
    public void Labels_beyond_the_class_list_are_rejected()
    {
        Assert.Throws<InvalidDataException>(() =>
            IdxDataset.Read(new MemoryStream(Images(1, 1, 1, [0])), new MemoryStream(LabelFile([5])), ["a", "b"]));
    }

    private static byte[] Images(int count, int rows, int columns, byte[] pixels)
    {
        var content = new byte[16 + pixels.Length];
        BinaryPrimitives.WriteInt32BigEndian(content, 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(content.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(content.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(content.AsSpan(12), columns);
        pixels.CopyTo(content, 16);
        return content;
    }

    private static byte[] LabelFile(byte[] labels)
    {
        var content = new byte[8 + labels.Length];
        BinaryPrimitives.WriteInt32BigEndian(content, 0x00000801);
        BinaryPrimitives.WriteInt32BigEndian(content.AsSpan(4), labels.Length);
        labels.CopyTo(content, 8);
        return content;
    }
}
