namespace Platform.Infra.Tests;

/// <summary>The deployment files under infra/ (the repository itself is found by Platform.Testing's RepositoryPaths).</summary>
public static class InfraFiles
{
    public static string Path(string relativePath) => System.IO.Path.Combine(RepositoryPaths.Infra, relativePath);

    /// <summary>Every Bicep file under infra/, relative to it, with forward slashes.</summary>
    public static IReadOnlyList<string> Bicep() =>
        Directory.EnumerateFiles(RepositoryPaths.Infra, "*.bicep", SearchOption.AllDirectories)
            .Select(file => System.IO.Path.GetRelativePath(RepositoryPaths.Infra, file).Replace(System.IO.Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
}
