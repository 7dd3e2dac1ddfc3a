using System.Runtime.InteropServices;

namespace Platform.Bench;

internal static class MachineInfo
{
    public static string CpuModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (!File.Exists(cpuinfo))
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }

        var line = File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? "unknown" : line[(line.IndexOf(':') + 1)..].Trim();
    }

    public static string Describe(int threads) =>
        $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC | {Environment.ProcessorCount} cores (nproc) | {CpuModel()} | " +
        $"{threads} TorchSharp thread(s) | {RuntimeInformation.OSDescription} | .NET {Environment.Version}";
}
