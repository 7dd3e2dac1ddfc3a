using System.Text.Json;


namespace Platform.Infra.Tests;

/// <summary>
/// Asks MSBuild what a project's properties and items come to (<c>dotnet msbuild -getProperty/-getItem</c>), optionally
/// after running a target that computes them: no build, no publish, no registry.
/// </summary>
public static class MsBuildEvaluation
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static async Task<JsonElement> EvaluateAsync(
        string projectRelativePath, string? target, IEnumerable<string> properties, IEnumerable<string> items,
        IReadOnlyDictionary<string, string>? globalProperties = null)
    {
        var project = Path.Combine(RepositoryPaths.Root, projectRelativePath);
        var arguments = new List<string> { "msbuild", project, "-nologo" };
        if (target is not null)
        {
            arguments.Add($"-target:{target}");
        }
        arguments.AddRange(properties.Select(property => $"-getProperty:{property}"));
        arguments.AddRange(items.Select(item => $"-getItem:{item}"));
        arguments.AddRange((globalProperties ?? new Dictionary<string, string>()).Select(p => $"-property:{p.Key}={p.Value}"));

        var result = await ProcessRunner.RunAsync(DotnetHost, arguments, RepositoryPaths.Root, Timeout);
        Assert.True(result.ExitCode == 0, $"dotnet msbuild {projectRelativePath} failed: {result.Describe()}");
        var json = result.StandardOutput[result.StandardOutput.IndexOf('{')..];
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    public static string Property(this JsonElement evaluation, string name) =>
        evaluation.GetProperty("Properties").GetProperty(name).GetString() ?? "";

    public static IReadOnlyList<string> ItemIdentities(this JsonElement evaluation, string itemType) =>
        evaluation.GetProperty("Items").GetProperty(itemType).EnumerateArray()
            .Select(item => item.GetProperty("Identity").GetString()!)
            .ToList();

    /// <summary>The dotnet host running these tests (dotnet test sets DOTNET_HOST_PATH), else the one on PATH.</summary>
    private static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
}
