using System.Text.RegularExpressions;


namespace Platform.Infra.Tests;

/// <summary>
/// One build and one lint of infra/main.bicep per test run: both follow every module, so together with the check that
/// every Bicep file is a module of main.bicep they cover all of infra/.
/// </summary>
public sealed class BicepCompilation : IAsyncLifetime
{
    public static string MainTemplate => InfraFiles.Path("main.bicep");

    public ProcessResult Build { get; private set; } = null!;

    public ProcessResult Lint { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Build = await BicepCli.BuildAsync(MainTemplate);
        Lint = await BicepCli.LintAsync(MainTemplate);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Bicep files main.bicep uses, directly or through other modules, relative to infra/.</summary>
    public static IReadOnlySet<string> ModulesReachableFromMain()
    {
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>(["main.bicep"]);
        while (pending.TryDequeue(out var file))
        {
            var text = File.ReadAllText(InfraFiles.Path(file));
            foreach (Match module in ModuleReference().Matches(text))
            {
                var target = Path.GetRelativePath(RepositoryPaths.Infra,
                        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(InfraFiles.Path(file))!, module.Groups["path"].Value)))
                    .Replace(Path.DirectorySeparatorChar, '/');
                if (reached.Add(target))
                {
                    pending.Enqueue(target);
                }
            }
        }
        return reached;
    }

    private static Regex ModuleReference() => new(@"^\s*module\s+\w+\s+'(?<path>[^']+\.bicep)'", RegexOptions.Multiline);
}
