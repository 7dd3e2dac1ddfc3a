using System.Text;

namespace Platform.Imaging.Formats.Data.Cifar;

/// <summary>
/// The CIFAR-10 and CIFAR-100 datasets as Krizhevsky publishes them (https://www.cs.toronto.edu/~kriz/cifar.html).
/// Every image is 32×32 RGB stored as three planes (1,024 red bytes, then green, then blue, rows top to bottom).
/// The binary version holds records of label byte(s) + 3,072 pixel bytes (CIFAR-100: coarse, then fine label);
/// the Python version holds pickled dicts whose <c>data</c> is a numpy uint8 array of N×3,072 in the same plane
/// order and whose labels are a list (<c>labels</c>, or <c>fine_labels</c>/<c>coarse_labels</c>).
/// </summary>
public static class CifarFormat
{
    public const int Side = 32;
    public const int ImageBytes = Side * Side * 3;

    /// <summary>An interleaved RGB image from one record's three colour planes.</summary>
    public static ImageBuffer ImageFromPlanes(ReadOnlySpan<byte> planes)
    {
        if (planes.Length != ImageBytes)
        {
            throw new ArgumentException($"A CIFAR image is {ImageBytes} bytes, not {planes.Length}.", nameof(planes));
        }
        const int plane = Side * Side;
        var pixels = new byte[ImageBytes];
        for (var i = 0; i < plane; i++)
        {
            pixels[3 * i] = planes[i];
            pixels[3 * i + 1] = planes[plane + i];
            pixels[3 * i + 2] = planes[2 * plane + i];
        }
        return new ImageBuffer(Side, Side, 3, pixels);
    }

    /// <summary>Class names from a binary version's meta text file: one per line, blank lines ignored.</summary>
    public static IReadOnlyList<string> NamesFromText(byte[] text, string file, int expected)
    {
        var names = Encoding.UTF8.GetString(text).Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0).ToList();
        return CheckNames(names, file, expected);
    }

    /// <summary>Class names from a Python version's pickled meta dict (<c>label_names</c>, <c>fine_label_names</c>…).</summary>
    public static IReadOnlyList<string> NamesFromPickle(byte[] pickle, string file, string key, int expected)
    {
        if (SafePickleReader.Read(pickle) is not Dictionary<object, object?> meta || !meta.TryGetValue(key, out var value) || value is not List<object?> list)
        {
            throw new CifarFormatException("meta-mismatch", $"{file} has no '{key}' list of class names");
        }
        var names = list.Select(name => name switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            string text => text,
            _ => throw new CifarFormatException("meta-mismatch", $"{file}: a class name is not a string"),
        }).Select(name => name.Trim()).ToList();
        return CheckNames(names, file, expected);
    }

    /// <summary>The images (N×3,072 plane bytes) and one label list of a pickled batch.</summary>
    public static (byte[] Data, int[] Labels) BatchFromPickle(byte[] pickle, string file, string labelKey)
    {
        if (SafePickleReader.Read(pickle) is not Dictionary<object, object?> batch)
        {
            throw new CifarFormatException("not-a-cifar-batch", $"{file} is not a pickled dict");
        }
        if (!batch.TryGetValue("data", out var dataValue) || dataValue is not PickleArray { DType: "u1" } array
            || array.Shape.Count != 2 || array.Shape[1] != ImageBytes || array.IsFortranOrder)
        {
            throw new CifarFormatException("not-a-cifar-batch", $"{file}: 'data' is not a C-order uint8 array of N×{ImageBytes}");
        }
        if (!batch.TryGetValue(labelKey, out var labelsValue) || labelsValue is not List<object?> labelList)
        {
            throw new CifarFormatException("not-a-cifar-batch", $"{file} has no '{labelKey}' list");
        }
        if (labelList.Count != array.Shape[0])
        {
            throw new CifarFormatException("meta-mismatch", $"{file} holds {array.Shape[0]} images but {labelList.Count} labels");
        }
        var labels = labelList.Select((label, index) => label is long value and >= 0 and <= int.MaxValue
            ? (int)value
            : throw new CifarFormatException("label-out-of-range", $"{file}: label {index} is not a non-negative integer")).ToArray();
        return (array.Data, labels);
    }

    private static IReadOnlyList<string> CheckNames(List<string> names, string file, int expected)
    {
        if (names.Count != expected)
        {
            throw new CifarFormatException("meta-mismatch", $"{file} names {names.Count} classes; this CIFAR layout has {expected}");
        }
        if (names.Any(name => name.Length == 0) || names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw new CifarFormatException("meta-mismatch", $"{file}: class names must be distinct and non-empty");
        }
        return names;
    }
}
