using System.Reflection;

namespace Platform.Infra.Tests;

/// <summary>
/// The Bicep CLI from the Azure.Bicep.CommandLine.linux-x64 package this project downloads (see the csproj). It
/// compiles and lints offline: the templates use no registry modules.
/// </summary>
public static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public static string Executable { get; } = Locate();

    /// <summary><c>bicep build file --stdout</c>: the ARM JSON on stdout, diagnostics (errors and warnings) on stderr.</summary>
    public static Task<ProcessResult> BuildAsync(string bicepFile) =>
        ProcessRunner.RunAsync(Executable, ["build", bicepFile, "--stdout"], Path.GetDirectoryName(bicepFile)!, Timeout);

    /// <summary><c>bicep lint file</c>: compiler and linter diagnostics of the file and every module it uses.</summary>
    public static Task<ProcessResult> LintAsync(string bicepFile) =>
        ProcessRunner.RunAsync(Executable, ["lint", bicepFile], Path.GetDirectoryName(bicepFile)!, Timeout);

    private static string Locate()
    {
        var packageFolder = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(attribute => attribute.Key == "BicepCliPackage").Value!;
        var executable = Path.Combine(packageFolder, "tools", "bicep");
        if (!File.Exists(executable))
        {
            throw new FileNotFoundException(
                $"The Bicep CLI is missing at {executable}: restore tests/Platform.Infra.Tests (it downloads Azure.Bicep.CommandLine.linux-x64).");
        }
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("These tests run the linux-x64 Bicep CLI; run them on Linux.");
        }
        // NuGet extracts without the execute bit on some machines.
        var mode = File.GetUnixFileMode(executable);
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(executable, mode | UnixFileMode.UserExecute);
        }
        return executable;
    }
}
