using System.Diagnostics;

namespace Platform.AppHost.BackingServices;

/// <summary>
/// Asks the container runtime whether its engine answers. A CLI without an engine (or a stopped one)
/// would leave Aspire's container resources waiting forever, so auto mode must know before it chooses.
/// </summary>
public static class ContainerRuntimeProbe
{
    public static bool IsHealthy(string runtime, TimeSpan timeout)
    {
        if (ExecutableLocator.Find(runtime, Environment.GetEnvironmentVariable("PATH")) is not { } executable)
        {
            return false;
        }
        try
        {
            using var process = Process.Start(new ProcessStartInfo(executable, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return false;
            }
            process.StandardOutput.ReadToEndAsync();
            process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
