using System.Formats.Tar;

namespace Platform.Cli.Commands;

/// <summary>
/// Unpacks the tracker's TensorBoard tar (<c>&lt;run id&gt;/events.out.tfevents…</c>) under a log directory. Only regular files
/// whose names stay inside the directory are written; anything else in the archive is refused before a byte is written.
/// </summary>
public static class TensorBoardArchive
{
    public static async Task<IReadOnlyList<string>> ExtractAsync(Stream archive, string directory, CancellationToken cancellationToken)
    {
        // Read whole first: a refused entry must not leave half a log directory behind.
        var entries = new List<(string Path, byte[] Content)>();
        await using (var reader = new TarReader(archive, leaveOpen: true))
        {
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                if (entry.EntryType is TarEntryType.Directory)
                {
                    continue;
                }
                var target = Path.GetFullPath(Path.Combine(directory, entry.Name));
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                    || Path.IsPathRooted(entry.Name) || entry.Name.Split('/', '\\').Contains("..")
                    || !target.StartsWith(Path.TrimEndingDirectorySeparator(directory) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    throw new CliException(ExitCodes.Failed, $"The tracker's TensorBoard archive holds an entry that is not a file inside the log directory ({entry.Name}); nothing was written.");
                }
                using var content = new MemoryStream();
                if (entry.DataStream is { } data)
                {
                    await data.CopyToAsync(content, cancellationToken);
                }
                entries.Add((target, content.ToArray()));
            }
        }

        foreach (var (path, content) in entries)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, content, cancellationToken);
        }
        return [.. entries.Select(e => Path.GetRelativePath(directory, e.Path))];
    }
}
