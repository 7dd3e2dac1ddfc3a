using System.Text.RegularExpressions;

namespace Platform.Ingest.Datasets;

/// <summary>
/// The last guard before a text reaches a user (an answer, a version's error, a report): a path of the server's file system in it,
/// under the ingest work folder, the temporary folder or the service's own folder, is replaced by "(server folder)". Messages are
/// written without paths in the first place; this catches a library's text that names one.
/// </summary>
public static class ServerPaths
{
    public const string Replacement = "(server folder)";

    public static string Redact(string text, IngestOptions options)
    {
        foreach (var root in Roots(options))
        {
            // Only where a path starts: "../../tmp/x.png", a name from an archive, is not the server's /tmp.
            text = Regex.Replace(text, @"(?<![\w./-])" + Regex.Escape(root) + @"(?![\w.-])[^\s'""]*", Replacement);
        }
        return text;
    }

    private static IEnumerable<string> Roots(IngestOptions options) =>
        new[] { options.ResolvedWorkFolder, Path.GetTempPath(), AppContext.BaseDirectory, Environment.CurrentDirectory }
            .Select(root => Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)))
            .Where(root => root.Length > 1)
            .Distinct()
            .OrderByDescending(root => root.Length);
}
