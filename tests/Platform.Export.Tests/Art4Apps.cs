using Platform.Imaging.Data;

namespace Platform.Export.Tests;

/// <summary>The art4apps folder-per-class JPEGs (200×200 RGB) that scripts/setup.sh extracts into .data/art4apps.</summary>
internal static class Art4Apps
{
    private static readonly Lazy<FolderDataset> All = new(() => FolderDataset.Open(Root()));

    public static FolderDataset Dataset => All.Value;

    public static string Root()
    {
        var path = Path.Combine(RepositoryRoot(), ".data", "art4apps");
        return Directory.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: run scripts/setup.sh to extract the art4apps images.");
    }

    /// <summary>The first <paramref name="perClass"/> images of each of the given classes, in class order.</summary>
    public static SubsetSource Take(int perClass, params string[] classes)
    {
        var dataset = Dataset;
        var indices = classes.SelectMany(name =>
        {
            var label = dataset.Classes.ToList().IndexOf(name);
            Assert.True(label >= 0, $"art4apps has no class '{name}'.");
            return Enumerable.Range(0, dataset.Count).Where(i => dataset.GetLabel(i) == label).Take(perClass);
        }).ToArray();
        return new SubsetSource(dataset, indices);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Platform.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Platform.sln was not found above {AppContext.BaseDirectory}.");
    }
}
