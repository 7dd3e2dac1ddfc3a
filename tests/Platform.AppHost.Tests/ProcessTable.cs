using Platform.Testing;
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
                    found.Add($"{pid} {CommandLine(pid)}");
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The process ended while we looked.
            }
        }
        return found;
    }

    /// <summary>Every process below <paramref name="pid"/>: children, their children, and so on.</summary>
    public static IReadOnlyList<int> DescendantsOf(int pid)
    {
        var found = new List<int>();
        var pending = new Stack<int>([pid]);
        while (pending.Count > 0)
        {
            var parent = pending.Pop();
            foreach (var task in SafeEnumerate($"/proc/{parent}/task"))
            {
                string children;
                try
                {
                    children = File.ReadAllText(Path.Combine(task, "children"));
                }
                catch (IOException)
                {
                    continue;
                }
                foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse))
                {
                    found.Add(child);
                    pending.Push(child);
                }
            }
        }
        return found;
    }

    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "(gone)";
        }
    }

    private static IEnumerable<string> SafeEnumerate(string folder)
    {
        try
        {
            return Directory.GetDirectories(folder);
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>
    /// Waits until none of <paramref name="processes"/> lives and no process works inside <paramref name="dataFolder"/>;
    /// on timeout names the survivors.
    /// </summary>
    public static Task WaitUntilGoneAsync(IEnumerable<int> processes, string dataFolder, TimeSpan timeout)
    {
        var watched = processes.ToList();
        List<string> Survivors() => watched.Where(IsAlive).Select(pid => $"{pid} {CommandLine(pid)}")
            .Concat(WorkingInside(dataFolder)).Distinct().ToList();
        return Eventually.UntilAsync(() => Survivors().Count == 0, timeout, () => $"still running: {string.Join("; ", Survivors())}");
    }
}
