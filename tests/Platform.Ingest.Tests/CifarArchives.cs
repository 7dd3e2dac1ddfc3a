using System.Buffers.Binary;
using System.Text;

namespace Platform.Ingest.Tests;

/// <summary>
/// Builds CIFAR archives byte for byte in the published layouts (https://www.cs.toronto.edu/~kriz/cifar.html), with a
/// few records per batch: the binary records, and the Python version's protocol-2 pickles as Python 2's cPickle wrote
/// them (a dict of byte strings, the images a numpy uint8 array built through numpy's _reconstruct).
/// </summary>
internal static class CifarArchives
{
    public sealed record Image(int Label, byte[] Planes, int CoarseLabel = 0);

    public static readonly string[] Cifar10Names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>A record's 3,072 plane bytes (R, G, B planes of 32×32), distinct for every seed.</summary>
    public static byte[] Planes(int seed)
    {
        var planes = new byte[3072];
        new Random(seed).NextBytes(planes);
        return planes;
    }

    public static byte[] TarGz(IEnumerable<(string Path, byte[]? Content)> entries) =>
        TarArchives.Tar(entries.Select(entry => new TarArchives.Entry(entry.Path, entry.Content)), gzip: true);

    public static byte[] BinaryBatch(IEnumerable<Image> images, bool cifar100 = false)
    {
        using var batch = new MemoryStream();
        foreach (var image in images)
        {
            if (cifar100)
            {
                batch.WriteByte((byte)image.CoarseLabel);
            }
            batch.WriteByte((byte)image.Label);
            batch.Write(image.Planes);
        }
        return batch.ToArray();
    }

    /// <summary><c>cifar-10-binary.tar.gz</c>: five training batches, a test batch, the meta text and the readme.</summary>
    public static byte[] Cifar10Binary(IReadOnlyList<Image>[] trainingBatches, IReadOnlyList<Image> test, string? metaText = null) =>
        TarGz(new (string, byte[]?)[] { ("cifar-10-batches-bin/", null) }
            .Concat(trainingBatches.Select((batch, i) => ($"cifar-10-batches-bin/data_batch_{i + 1}.bin", (byte[]?)BinaryBatch(batch))))
            .Append(("cifar-10-batches-bin/batches.meta.txt", Encoding.ASCII.GetBytes(metaText ?? string.Join("\n", Cifar10Names) + "\n\n")))
            .Append(("cifar-10-batches-bin/test_batch.bin", BinaryBatch(test)))
            .Append(("cifar-10-batches-bin/readme.html", Encoding.ASCII.GetBytes("<html>CIFAR-10</html>"))));

    /// <summary><c>cifar-10-python.tar.gz</c>: pickled batches and <c>batches.meta</c>.</summary>
    public static byte[] Cifar10Python(IReadOnlyList<Image>[] trainingBatches, IReadOnlyList<Image> test, byte[]? testBatchOverride = null) =>
        TarGz(new (string, byte[]?)[] { ("cifar-10-batches-py/", null) }
            .Append(("cifar-10-batches-py/batches.meta", Cifar10MetaPickle()))
            .Concat(trainingBatches.Select((batch, i) => ($"cifar-10-batches-py/data_batch_{i + 1}", (byte[]?)BatchPickle(batch, $"training batch {i + 1} of 5"))))
            .Append(("cifar-10-batches-py/test_batch", testBatchOverride ?? BatchPickle(test, "testing batch 1 of 1")))
            .Append(("cifar-10-batches-py/readme.html", Encoding.ASCII.GetBytes("<html>CIFAR-10</html>"))));

    /// <summary><c>cifar-100-binary.tar.gz</c>: train.bin and test.bin (coarse, fine, pixels) with both name files.</summary>
    public static byte[] Cifar100Binary(IReadOnlyList<Image> train, IReadOnlyList<Image> test) =>
        TarGz(
        [
            ("cifar-100-binary/", null),
            ("cifar-100-binary/coarse_label_names.txt", Encoding.ASCII.GetBytes(string.Join("\n", Enumerable.Range(0, 20).Select(i => $"superclass_{i}")) + "\n")),
            ("cifar-100-binary/fine_label_names.txt", Encoding.ASCII.GetBytes(string.Join("\n", Enumerable.Range(0, 100).Select(i => $"fine_{i:00}")) + "\n")),
            ("cifar-100-binary/train.bin", BinaryBatch(train, cifar100: true)),
            ("cifar-100-binary/test.bin", BinaryBatch(test, cifar100: true)),
        ]);

    /// <summary>
    /// A batch dict as cPickle protocol 2 writes it: data (numpy N×3072 uint8), labels, batch_label, filenames; CIFAR-100's
    /// (<paramref name="cifar100"/>) has fine_labels and coarse_labels instead of labels.
    /// </summary>
    public static byte[] BatchPickle(IReadOnlyList<Image> images, string batchLabel, bool cifar100 = false)
    {
        var pickle = new PickleBytes();
        pickle.Raw(0x80, 2).Raw((byte)'}').Put().Raw((byte)'(');
        pickle.ShortString("data").Put();
        pickle.Global("numpy.core.multiarray", "_reconstruct").Put().Global("numpy", "ndarray").Put()
            .Int(0).Raw(0x85).ShortString("b").Raw(0x87).Raw((byte)'R').Put();
        pickle.Raw((byte)'(').Int(1).Int(images.Count).Int(3072).Raw(0x86);
        pickle.Global("numpy", "dtype").Put().ShortString("u1").Int(0).Int(1).Raw(0x87).Raw((byte)'R').Put();
        pickle.Raw((byte)'(').Int(3).ShortString("|").Raw((byte)'N', (byte)'N', (byte)'N').Int(-1).Int(-1).Int(0).Raw((byte)'t', (byte)'b');
        pickle.Raw(0x89).String(images.SelectMany(image => image.Planes).ToArray()).Raw((byte)'t', (byte)'b');
        foreach (var (key, label) in cifar100
            ? new (string, Func<Image, int>)[] { ("fine_labels", image => image.Label), ("coarse_labels", image => image.CoarseLabel) }
            : [("labels", image => image.Label)])
        {
            pickle.ShortString(key).Put().Raw((byte)']').Put().Raw((byte)'(');
            foreach (var image in images)
            {
                pickle.Int(label(image));
            }
            pickle.Raw((byte)'e');
        }
        pickle.ShortString("batch_label").Put().ShortString(batchLabel).Put();
        pickle.ShortString("filenames").Put().Raw((byte)']').Put().Raw((byte)'(');
        for (var i = 0; i < images.Count; i++)
        {
            pickle.ShortString($"image_{i:000000}.png").Put();
        }
        pickle.Raw((byte)'e', (byte)'u', (byte)'.');
        return pickle.ToArray();
    }

    /// <summary><c>cifar-100-python.tar.gz</c>: the pickled <c>train</c> and <c>test</c> batches and <c>meta</c>.</summary>
    public static byte[] Cifar100Python(IReadOnlyList<Image> train, IReadOnlyList<Image> test) =>
        TarGz(
        [
            ("cifar-100-python/", null),
            ("cifar-100-python/meta", NamesPickle(("fine_label_names", Enumerable.Range(0, 100).Select(i => $"fine_{i:00}")),
                ("coarse_label_names", Enumerable.Range(0, 20).Select(i => $"superclass_{i}")))),
            ("cifar-100-python/test", BatchPickle(test, "testing batch 1 of 1", cifar100: true)),
            ("cifar-100-python/train", BatchPickle(train, "training batch 1 of 1", cifar100: true)),
        ]);

    private static byte[] NamesPickle(params (string Key, IEnumerable<string> Names)[] lists)
    {
        var pickle = new PickleBytes();
        pickle.Raw(0x80, 2).Raw((byte)'}').Put().Raw((byte)'(');
        foreach (var (key, names) in lists)
        {
            pickle.ShortString(key).Put().Raw((byte)']').Put().Raw((byte)'(');
            foreach (var name in names)
            {
                pickle.ShortString(name).Put();
            }
            pickle.Raw((byte)'e');
        }
        return pickle.Raw((byte)'u', (byte)'.').ToArray();
    }

    public static byte[] Cifar10MetaPickle()
    {
        var pickle = new PickleBytes();
        pickle.Raw(0x80, 2).Raw((byte)'}').Put().Raw((byte)'(');
        pickle.ShortString("num_cases_per_batch").Put().Int(10000);
        pickle.ShortString("label_names").Put().Raw((byte)']').Put().Raw((byte)'(');
        foreach (var name in Cifar10Names)
        {
            pickle.ShortString(name).Put();
        }
        pickle.Raw((byte)'e').ShortString("num_vis").Put().Int(3072).Raw((byte)'u', (byte)'.');
        return pickle.ToArray();
    }

    /// <summary>The classic exploit: <c>os.system("echo owned")</c> through GLOBAL and REDUCE.</summary>
    public static byte[] ExploitPickle() => Encoding.Latin1.GetBytes("\u0080\u0002cos\nsystem\nq\u0000U\u000aecho ownedq\u0001\u0085q\u0002Rq\u0003.");

    /// <summary>Writes pickle opcodes; memo indices are handed out in order as cPickle does.</summary>
    public sealed class PickleBytes
    {
        private readonly MemoryStream bytes = new();
        private int memo;

        public PickleBytes Raw(params byte[] opcodes)
        {
            bytes.Write(opcodes);
            return this;
        }

        public PickleBytes Put() => Raw((byte)'q', (byte)memo++);

        public PickleBytes Global(string module, string name) => Raw(Encoding.ASCII.GetBytes($"c{module}\n{name}\n"));

        public PickleBytes ShortString(string text)
        {
            var data = Encoding.ASCII.GetBytes(text);
            return Raw((byte)'U', (byte)data.Length).Raw(data);
        }

        public PickleBytes String(byte[] data)
        {
            var length = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(length, data.Length);
            return Raw((byte)'T').Raw(length).Raw(data);
        }

        public PickleBytes Int(int value)
        {
            if (value is >= 0 and < 256)
            {
                return Raw((byte)'K', (byte)value);
            }
            if (value is >= 0 and < 65536)
            {
                return Raw((byte)'M', (byte)value, (byte)(value >> 8));
            }
            var data = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(data, value);
            return Raw((byte)'J').Raw(data);
        }

        public byte[] ToArray() => bytes.ToArray();
    }
}
