namespace Platform.Testing;

/// <summary>Finds the repository and the build outputs of its projects from a test's output folder.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The data that scripts/setup.sh installs (art4apps images).</summary>
    public static string Data => Path.Combine(Root, ".data");

    /// <summary>Fashion-MNIST's IDX files, as Debian's dataset-fashion-mnist installs them.</summary>
    public const string FashionMnistFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The art4apps folder-per-class JPEGs that scripts/setup.sh extracts; fails with what to run when missing.</summary>
    public static string Art4Apps => RequireFolder(Path.Combine(Data, "art4apps"), "run scripts/setup.sh (it extracts the art4apps images)");

    /// <summary>The repository's infra/ folder (Bicep, hooks).</summary>
    public static string Infra => Path.Combine(Root, "infra");

    /// <summary>A project's own build output (artifacts/bin/{project}/{configuration}/), where its runtimeconfig lives.</summary>
    public static string ProjectOutput(string project)
    {
        var own = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        var configuration = Path.GetFileName(own);
        var path = Path.Combine(Root, "artifacts", "bin", project, configuration);
        return Directory.Exists(path)
            ? path
            : throw new DirectoryNotFoundException($"{path} does not exist: build {project} first (scripts/test.sh builds everything).");
    }

    public static string RequireFile(string path, string hint) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: {hint}");

    public static string RequireFolder(string path, string hint) =>
        Directory.Exists(path) ? path : throw new DirectoryNotFoundException($"{path} is missing: {hint}");

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Platform.sln")))
            {
                return folder.FullName;
            }
        }
        throw new DirectoryNotFoundException($"No Platform.sln above {AppContext.BaseDirectory}.");
    }
}
