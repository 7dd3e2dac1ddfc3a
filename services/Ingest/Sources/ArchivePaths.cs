namespace Platform.Ingest.Sources;

/// <summary>Normalises paths found in archives and annotation files, refusing any that could leave the upload.</summary>
public static class ArchivePaths
{
    private static readonly string[] ArchiveExtensions = [".zip", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".zst"];

    /// <summary>A relative, '/'-separated path without '.' segments, or null when the path is absolute or escapes the root.</summary>
    public static string? Normalize(string path)
    {
        if (string.IsNullOrEmpty(path) || path.Contains('\0'))
        {
            return null;
        }
        var unified = path.Replace('\\', '/');
        if (unified.StartsWith('/') || (unified.Length >= 2 && unified[1] == ':' && char.IsAsciiLetter(unified[0])))
        {
            return null;
        }
        var segments = new List<string>();
        foreach (var segment in unified.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            switch (segment)
            {
                case ".":
                    continue;
                case "..":
                    return null;
                default:
                    segments.Add(segment);
                    break;
            }
        }
        return segments.Count == 0 ? null : string.Join('/', segments);
    }

    /// <summary>Resolves <paramref name="reference"/> relative to the folder of <paramref name="fromFile"/>; null if it leaves the root.</summary>
    public static string? Resolve(string fromFile, string reference)
    {
        var unified = reference.Replace('\\', '/');
        if (unified.StartsWith('/') || (unified.Length >= 2 && unified[1] == ':'))
        {
            return null;
        }
        var folder = fromFile.Contains('/') ? fromFile[..fromFile.LastIndexOf('/')] : "";
        var segments = folder.Length == 0 ? new List<string>() : folder.Split('/').ToList();
        foreach (var segment in unified.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".")
            {
                continue;
            }
            if (segment == "..")
            {
                if (segments.Count == 0)
                {
                    return null;
                }
                segments.RemoveAt(segments.Count - 1);
                continue;
            }
            segments.Add(segment);
        }
        return segments.Count == 0 ? null : string.Join('/', segments);
    }

    /// <summary>
    /// An entry name as it may appear in a message: control characters shown as '?', cut at 200 characters. Names come from the
    /// uploader, and a report must not carry terminal escapes or a megabyte of name.
    /// </summary>
    public static string ForDisplay(string name)
    {
        const int maxLength = 200;
        var shown = new string(name.Take(maxLength).Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return name.Length > maxLength ? shown + "…" : shown;
    }

    public static bool LooksLikeArchive(string path) =>
        ArchiveExtensions.Any(extension => path.EndsWith(extension, StringComparison.OrdinalIgnoreCase));

    /// <summary>Operating-system clutter such as <c>__MACOSX/</c> and dot-files.</summary>
    public static bool IsMetadata(string path) =>
        path.StartsWith("__MACOSX/", StringComparison.Ordinal) || path.Split('/').Any(segment => segment.StartsWith('.'));
}
