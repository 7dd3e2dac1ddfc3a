using System.Text.RegularExpressions;

namespace Platform.Infra.Tests;

/// <summary>The layout rules a reader relies on to find code: a type in a file of its name, consumers in Consumers/, libraries in libs/.</summary>
public sealed partial class CodeLayoutTests
{
    private static readonly string[] ProductionFolders = ["AppHost", "ServiceDefaults", "services", "libs", "tools"];

    [Fact]
    public void Every_production_file_declares_one_top_level_type_named_like_the_file()
    {
        var misplaced = SourceFiles()
            .Select(file => (File: file, Types: TopLevelType().Matches(File.ReadAllText(file)).Select(match => match.Groups["name"].Value).ToList()))
            .Where(entry => entry.Types.Count > 0 && (entry.Types.Count > 1 || entry.Types[0] != Path.GetFileNameWithoutExtension(entry.File)))
            .Select(entry => $"{Path.GetRelativePath(RepositoryPaths.Root, entry.File)}: {string.Join(", ", entry.Types)}")
            .ToList();

        Assert.True(misplaced.Count == 0, "Files whose types do not match their name:\n" + string.Join("\n", misplaced));
    }

    [Fact]
    public void Message_consumers_live_in_each_services_consumers_folder()
    {
        var misplaced = SourceFiles()
            .Where(file => Path.GetRelativePath(RepositoryPaths.Root, file).StartsWith("services", StringComparison.Ordinal))
            .Where(file => ConsumerDeclaration().IsMatch(File.ReadAllText(file)))
            .Where(file => Path.GetFileName(Path.GetDirectoryName(file)) != "Consumers")
            .Select(file => Path.GetRelativePath(RepositoryPaths.Root, file))
            .ToList();

        Assert.True(misplaced.Count == 0, "Consumers outside a Consumers/ folder:\n" + string.Join("\n", misplaced));
    }

    [Fact]
    public void Services_holds_the_four_services_only()
    {
        var folders = Directory.GetDirectories(Path.Combine(RepositoryPaths.Root, "services")).Select(Path.GetFileName).Order();

        Assert.Equal(["Inference", "Ingest", "Tracker", "Trainer"], folders);
    }

    private static IEnumerable<string> SourceFiles() =>
        ProductionFolders.SelectMany(folder => Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));

    [GeneratedRegex(@"^(?:public |internal |file )?(?:sealed |static |abstract |readonly |partial |unsafe )*(?:record struct|record class|record|class|enum|interface|struct) (?<name>\w+)", RegexOptions.Multiline)]
    private static partial Regex TopLevelType();

    [GeneratedRegex(@"^public (?:sealed )?class \w+\([^)]*\)\s*:\s*IConsumer<|^public (?:sealed )?class \w+\s*:\s*IConsumer<", RegexOptions.Multiline)]
    private static partial Regex ConsumerDeclaration();
}
