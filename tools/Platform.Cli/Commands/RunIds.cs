using Platform.Cli.Http;

namespace Platform.Cli.Commands;

/// <summary>A run named by its full id or by a unique prefix of it (as <c>runs list</c> prints them).</summary>
public static class RunIds
{
    public const int MinimumPrefix = 4;

    public static async Task<Guid> ResolveAsync(string text, ServiceClient tracker, CancellationToken cancellationToken)
    {
        if (Guid.TryParse(text, out var id))
        {
            return id;
        }
        var prefix = text.Trim().ToLowerInvariant();
        if (prefix.Length < MinimumPrefix || !prefix.All(c => char.IsAsciiHexDigit(c) || c == '-'))
        {
            throw new CliException(ExitCodes.InvalidInput, $"'{text}' is not a run id (a GUID, or at least {MinimumPrefix} of its first hex digits).");
        }
        var runs = await tracker.GetJsonAsync("/runs?limit=1000", cancellationToken);
        var matches = runs.EnumerateArray().Select(r => r.GetProperty("id").GetGuid()).Where(g => g.ToString("D").StartsWith(prefix, StringComparison.Ordinal)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new CliException(ExitCodes.NotFound, $"No run id starts with '{text}' among the newest 1000 runs (see: platform runs list; give the whole id for an older run)."),
            _ => throw new CliException(ExitCodes.InvalidInput, $"'{text}' matches {matches.Count} runs; give more of the id.",
                matches.Take(10).Select(m => m.ToString("D")).ToList()),
        };
    }

    public static string Short(Guid id) => id.ToString("D")[..8];
}
