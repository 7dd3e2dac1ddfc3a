using System.Diagnostics;

namespace Platform.AppHost.BackingServices;

/// <summary>
/// The folder where one AppHost run keeps its local servers' data. Named after the AppHost's process id,
/// so a later run can recognise and remove folders that a killed run left behind.
/// </summary>
public sealed class RunDataFolder
{
    private RunDataFolder(string path, string runId)
    {
        Path = path;
        RunId = runId;
    }

    public string Path { get; }

    /// <summary>Short and unique per run; used in node names.</summary>
    public string RunId { get; }

    public static string DefaultRoot => System.IO.Path.Combine(System.IO.Path.GetTempPath(), "platform-apphost");

    public static RunDataFolder Create(string? explicitPath)
    {
        var runId = $"{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            Directory.CreateDirectory(explicitPath);
            return new RunDataFolder(System.IO.Path.GetFullPath(explicitPath), runId);
        }
        RemoveAbandoned(DefaultRoot);
        var path = System.IO.Path.Combine(DefaultRoot, runId);
        Directory.CreateDirectory(path);
        return new RunDataFolder(path, runId);
    }

    public string CreateSubfolder(string name) => Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;

    public void Delete()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A server still flushing; the next run's sweep removes what is left.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Removes folders of earlier runs whose AppHost process is gone.</summary>
    public static void RemoveAbandoned(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }
        foreach (var folder in Directory.EnumerateDirectories(root))
        {
            var name = System.IO.Path.GetFileName(folder);
            var pidText = name.Split('-', 2)[0];
            if (int.TryParse(pidText, out var pid) && !IsRunning(pid))
            {
                new RunDataFolder(folder, name).Delete();
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
