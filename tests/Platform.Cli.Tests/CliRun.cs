using System.Text.Json;
using Platform.Testing;

namespace Platform.Cli.Tests;

/// <summary>What one invocation of the platform command printed and how it ended.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    public JsonElement Json => JsonDocument.Parse(Output).RootElement.Clone();

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

public static class CliRun
{
    /// <summary>In-process, through the same entry point the executable uses.</summary>
    public static Task<CliResult> InProcessAsync(params string[] args) => RunInProcessAsync(args, interactive: false);

    /// <summary>In-process as on a terminal: live progress views instead of progress lines.</summary>
    public static Task<CliResult> InTerminalAsync(params string[] args) => RunInProcessAsync(args, interactive: true);

    private static async Task<CliResult> RunInProcessAsync(string[] args, bool interactive)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await PlatformCommandLine.RunAsync(args, output, error, interactive);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>The built executable as its own process, as a user or a script runs it.</summary>
    public static async Task<CliResult> ProcessAsync(IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] args)
    {
        var executable = Path.Combine(RepositoryPaths.ProjectOutput("Platform.Cli"), "platform.dll");
        var result = await ProcessRunner.RunAsync("dotnet", [executable, .. args], RepositoryPaths.Root, timeout, environment);
        return new CliResult(result.ExitCode, result.StandardOutput, result.StandardError);
    }
}
