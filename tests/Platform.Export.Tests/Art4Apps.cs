using Platform.Imaging.Data;
using Platform.Testing;

namespace Platform.Export.Tests;

/// <summary>The art4apps folder-per-class JPEGs (200×200 RGB) that scripts/setup.sh extracts into .data/art4apps.</summary>
internal static class Art4Apps
{
    private static readonly Lazy<FolderDataset> All = new(() => FolderDataset.Open(Root()));

    public static FolderDataset Dataset => All.Value;

    public static string Root() => RepositoryPaths.Art4Apps;

    /// <summary>The first <paramref name="perClass"/> images of each of the given classes, in class order.</summary>
    public static SubsetSource Take(int perClass, params string[] classes) =>
        new(Dataset, classes.SelectMany(name => IndicesOf(name).Take(perClass)).ToArray());

    /// <summary>
    /// A stratified split of the given classes, relabelled 0…k−1: per class, a seeded shuffle of its images, the first
    /// <paramref name="validationFraction"/> of them held out for validation and the rest for training.
    /// </summary>
    public static (ClassSubset Train, ClassSubset Validation) Split(double validationFraction, int seed, params string[] classes)
    {
        var random = new Random(seed);
        var train = new List<int>();
        var validation = new List<int>();
        foreach (var name in classes)
        {
            var indices = IndicesOf(name).ToArray();
            random.Shuffle(indices);
            var held = (int)Math.Round(indices.Length * validationFraction);
            validation.AddRange(indices[..held]);
            train.AddRange(indices[held..]);
        }

        return (new ClassSubset(Dataset, train, classes), new ClassSubset(Dataset, validation, classes));
    }

    private static IEnumerable<int> IndicesOf(string className)
    {
        var dataset = Dataset;
        var label = dataset.Classes.ToList().IndexOf(className);
        Assert.True(label >= 0, $"art4apps has no class '{className}'.");
        return Enumerable.Range(0, dataset.Count).Where(i => dataset.GetLabel(i) == label);
    }
}
