namespace Platform.Training.Checkpoints;

/// <summary>
/// Checkpoints as files in one directory. A write goes to a temporary file in the same directory, is flushed to
/// disk (fsync) and then renamed over the final name, so a crash leaves either the old or the new checkpoint.
/// </summary>
public sealed class LocalDirectoryCheckpointStore : ICheckpointStore
{
    private const string Extension = ".ckpt";
    private const string TemporarySuffix = ".partial";

    public LocalDirectoryCheckpointStore(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = System.IO.Directory.CreateDirectory(directory).FullName;
    }

    public string Directory { get; }

    public void Write(string name, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        string target = PathOf(name);
        string temporary = target + "." + Guid.NewGuid().ToString("N") + TemporarySuffix;
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    public Stream? OpenRead(string name)
    {
        string path = PathOf(name);
        return File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20) : null;
    }

    public IReadOnlyList<string> List() =>
        System.IO.Directory.EnumerateFiles(Directory, "*" + Extension)
            .Select(path => Path.GetFileNameWithoutExtension(path))
            .Order(StringComparer.Ordinal)
            .ToArray();

    public void Delete(string name) => File.Delete(PathOf(name));

    private string PathOf(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains(".."))
        {
            throw new ArgumentException($"'{name}' is not a valid checkpoint name.", nameof(name));
        }

        return Path.Combine(Directory, name + Extension);
    }
}
