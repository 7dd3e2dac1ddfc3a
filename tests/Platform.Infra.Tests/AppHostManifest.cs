using System.Text.Json;


namespace Platform.Infra.Tests;

/// <summary>
/// The AppHost's deployment manifest (<c>--publisher manifest</c>), generated once per test run from the AppHost this
/// project builds. In publish mode the AppHost takes Redis, RabbitMQ and blob storage as connection-string resources,
/// so no container runtime or backing server is needed.
/// </summary>
public sealed class AppHostManifest : IAsyncLifetime
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("platform-apphost-manifest-");

    public JsonElement Resources { get; private set; }

    /// <summary>Project resources: name → the environment the manifest gives them.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Projects { get; private set; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary>Project resources: name → the folder of its project file, relative to the repository root.</summary>
    public IReadOnlyDictionary<string, string> ProjectFolders { get; private set; } = new Dictionary<string, string>();

    /// <summary>Resources that stand for a connection string (in publish mode: redis, messaging, blobs).</summary>
    public IReadOnlySet<string> ConnectionStrings { get; private set; } = new HashSet<string>();

    public async Task InitializeAsync()
    {
        var manifestFile = Path.Combine(_folder.FullName, "manifest.json");
        var result = await ProcessRunner.RunAsync(
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet",
            [AppHostAssembly(), "--publisher", "manifest", "--output-path", manifestFile],
            _folder.FullName,
            TimeSpan.FromMinutes(2),
            new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Production" });
        Assert.True(result.ExitCode == 0 && File.Exists(manifestFile), $"The AppHost did not publish its manifest: {result.Describe()}");

        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(manifestFile));
        Resources = manifest.RootElement.GetProperty("resources").Clone();
        Projects = Resources.EnumerateObject()
            .Where(resource => resource.Value.GetProperty("type").GetString() == "project.v0")
            .ToDictionary(
                resource => resource.Name,
                resource => (IReadOnlyDictionary<string, string>)(resource.Value.TryGetProperty("env", out var env)
                    ? env.EnumerateObject().ToDictionary(variable => variable.Name, variable => variable.Value.GetString() ?? "")
                    : new Dictionary<string, string>()));
        // Project paths in the manifest are relative to the manifest file.
        ProjectFolders = Resources.EnumerateObject()
            .Where(resource => resource.Value.GetProperty("type").GetString() == "project.v0")
            .ToDictionary(
                resource => resource.Name,
                resource => Path.GetRelativePath(RepositoryPaths.Root,
                        Path.GetDirectoryName(Path.GetFullPath(Path.Combine(_folder.FullName, resource.Value.GetProperty("path").GetString()!)))!)
                    .Replace(Path.DirectorySeparatorChar, '/'));
        ConnectionStrings = Resources.EnumerateObject()
            .Where(resource => resource.Value.TryGetProperty("connectionString", out _))
            .Select(resource => resource.Name)
            .ToHashSet();
    }

    public Task DisposeAsync()
    {
        _folder.Delete(recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>The AppHost built beside this test project (same artifacts folder, same configuration pivot).</summary>
    private static string AppHostAssembly()
    {
        var name = typeof(AppHostManifest).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "AppHostAssemblyName").Value!;
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var assembly = Path.Combine(output.Parent!.Parent!.FullName, name, output.Name, name + ".dll");
        Assert.True(File.Exists(assembly), $"The AppHost was not built at {assembly}.");
        return assembly;
    }
}
