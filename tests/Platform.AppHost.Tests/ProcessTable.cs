namespace Platform.AppHost.Tests;

/// <summary>Reads the Linux process table: which processes exist and where they work.</summary>
internal static class ProcessTable
{
    public static bool IsAlive(int pid)
    {
        var status = $"/proc/{pid}/stat";
        if (!File.Exists(status))
        {
            return false;
        }
        try
        {
            // Field 3 is the state; a zombie has exited and only waits for its parent to reap it.
            var stat = File.ReadAllText(status);
            return stat[(stat.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Processes whose working directory lies inside <paramref name="folder"/>.</summary>
    public static IReadOnlyList<string> WorkingInside(string folder)
    {
        var found = new List<string>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid) || !IsAlive(pid))
            {
                continue;
            }
            try
            {
                var cwd = new DirectoryInfo(Path.Combine(entry, "cwd")).LinkTarget;
                if (cwd is not null && (cwd == folder || cwd.StartsWith(folder + "/", StringComparison.Ordinal)))
                {
                    found.Add($"{pid} {File.ReadAllText(Path.Combine(entry, "cmdline")).Replace('\0', ' ')}");
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }
        return found;
    }
}
