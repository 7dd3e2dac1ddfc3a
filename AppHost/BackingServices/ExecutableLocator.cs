namespace Platform.AppHost.BackingServices;

/// <summary>Finds a program the way a shell would: a path is taken as it is, a bare name is looked up on PATH.</summary>
public static class ExecutableLocator
{
    public static string? Find(string nameOrPath, string? pathVariable)
    {
        if (string.IsNullOrWhiteSpace(nameOrPath))
        {
            return null;
        }
        if (nameOrPath.Contains(Path.DirectorySeparatorChar) || nameOrPath.Contains(Path.AltDirectorySeparatorChar))
        {
            return IsExecutableFile(nameOrPath) ? Path.GetFullPath(nameOrPath) : null;
        }
        return (pathVariable ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, nameOrPath))
            .FirstOrDefault(IsExecutableFile);
    }

    private static bool IsExecutableFile(string path)
    {
        if (!File.Exists(path))
        {
            return false;
        }
        if (OperatingSystem.IsWindows())
        {
            return true;
        }
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
