using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Platform.Infra.Tests;

/// <summary>Directory.Packages.props pins only what some project uses, so a version there always means something.</summary>
public sealed class PackagePinsTests
{
    [Fact]
    public void Every_pinned_package_is_referenced_by_a_project()
    {
        var pinned = XDocument.Load(Path.Combine(RepositoryPaths.Root, "Directory.Packages.props"))
            .Descendants("PackageVersion").Select(element => (string)element.Attribute("Include")!).ToList();
        var referenced = ProjectFiles()
            .SelectMany(file => XDocument.Load(file).Descendants("PackageReference"))
            .Select(element => (string?)element.Attribute("Include") ?? (string?)element.Attribute("Update"))
            .OfType<string>()
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        var unused = pinned.Where(package => !referenced.Contains(package)).ToList();
        Assert.True(unused.Count == 0, $"Pinned but referenced by no project: {string.Join(", ", unused)}");
    }

    private static IEnumerable<string> ProjectFiles() =>
        Directory.EnumerateFiles(RepositoryPaths.Root, "*.*", SearchOption.AllDirectories)
            .Where(file => Regex.IsMatch(file, @"\.(csproj|props|targets)$"))
            .Where(file => !Path.GetRelativePath(RepositoryPaths.Root, file).Split(Path.DirectorySeparatorChar)
                .Any(part => part is "artifacts" or "node_modules" or ".tools" || part.StartsWith('.')))
            .Where(file => Path.GetFileName(file) != "Directory.Packages.props");
}
