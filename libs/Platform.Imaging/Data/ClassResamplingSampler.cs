using Platform.Imaging.Transforms;
using Platform.Imaging.Formats.Data;

namespace Platform.Imaging.Data;

/// <summary>
/// Equalises class counts each epoch, then shuffles. Oversampling keeps every sample of every class and tops each
/// class up to the largest class by repeating its samples (a whole pass of the class before any repeats twice);
/// undersampling keeps a fresh random subset of each class the size of the smallest class. Classes without samples
/// are ignored.
/// </summary>
public sealed class ClassResamplingSampler : ISampler
{
    private readonly int[][] _classes;
    private readonly int _perClass;
    private readonly int _seed;

    private ClassResamplingSampler(int[][] classes, int perClass, int seed)
    {
        _classes = classes;
        _perClass = perClass;
        _seed = seed;
        SamplesPerEpoch = perClass * classes.Length;
    }

    public int SamplesPerEpoch { get; }

    /// <summary>Every class repeated up to the size of the largest class.</summary>
    public static ClassResamplingSampler Oversample(ILabeledImageSource source, int seed)
    {
        var classes = NonEmptyClasses(source);
        return new ClassResamplingSampler(classes, classes.Length == 0 ? 0 : classes.Max(c => c.Length), seed);
    }

    /// <summary>Every class cut down to the size of the smallest non-empty class.</summary>
    public static ClassResamplingSampler Undersample(ILabeledImageSource source, int seed)
    {
        var classes = NonEmptyClasses(source);
        return new ClassResamplingSampler(classes, classes.Length == 0 ? 0 : classes.Min(c => c.Length), seed);
    }

    public int[] Indices(int epoch)
    {
        var random = SampleRandom.ForEpoch(_seed, epoch);
        var indices = new int[SamplesPerEpoch];
        var position = 0;
        foreach (var members in _classes)
        {
            var pass = members.ToArray();
            for (var taken = 0; taken < _perClass; taken += pass.Length)
            {
                random.Shuffle(pass);
                var count = Math.Min(pass.Length, _perClass - taken);
                pass.AsSpan(0, count).CopyTo(indices.AsSpan(position));
                position += count;
            }
        }

        random.Shuffle(indices);
        return indices;
    }

    private static int[][] NonEmptyClasses(ILabeledImageSource source) =>
        [.. Labels.IndicesPerClass(Labels.Of(source), source.Classes.Count).Where(members => members.Length > 0)];
}
