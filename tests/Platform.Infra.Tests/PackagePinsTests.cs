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

    // Walks the tree pruning build outputs, installs and dot folders (.data holds tens of thousands of images) instead
    // of listing everything and filtering afterwards.
    private static IEnumerable<string> ProjectFiles()
    {
        var folders = new Stack<string>([RepositoryPaths.Root]);
        while (folders.TryPop(out var folder))
        {
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                if (Regex.IsMatch(file, @"\.(csproj|props|targets)$") && Path.GetFileName(file) != "Directory.Packages.props")
                {
                    yield return file;
                }
            }
            foreach (var child in Directory.EnumerateDirectories(folder))
            {
                var name = Path.GetFileName(child);
                if (name is not ("bin" or "obj" or "artifacts" or "node_modules") && !name.StartsWith('.'))
                {
                    folders.Push(child);
                }
            }
        }
    }
}
