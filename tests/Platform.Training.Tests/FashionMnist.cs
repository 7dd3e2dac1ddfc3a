using Platform.Imaging.Data;
using Platform.Imaging.Formats.Data;
using Platform.Testing;

namespace Platform.Training.Tests;

/// <summary>Fashion-MNIST as installed by the set-up (Debian package dataset-fashion-mnist), read once per test run.</summary>
internal static class FashionMnist
{
    public const string Directory = RepositoryPaths.FashionMnistFolder;

    private static readonly Lazy<IdxDataset> TrainSet = new(() => Open("train"));
    private static readonly Lazy<IdxDataset> TestSet = new(() => Open("t10k"));

    public static IdxDataset Train => TrainSet.Value;

    public static IdxDataset Test => TestSet.Value;

    /// <summary>The first <paramref name="count"/> images after skipping <paramref name="skip"/>.</summary>
    public static SubsetSource Slice(IdxDataset source, int skip, int count) =>
        new(source, Enumerable.Range(skip, count).ToArray());

    private static IdxDataset Open(string split) =>
        IdxDataset.Open(
            Path.Combine(Directory, $"{split}-images-idx3-ubyte.gz"),
            Path.Combine(Directory, $"{split}-labels-idx1-ubyte.gz"),
            IdxDataset.FashionMnistClasses);
}
