using System.Globalization;
using Platform.Cli.Http;
using Platform.Contracts.Runs;

namespace Platform.Cli.Commands;

/// <summary>A run named by its full id or by a unique prefix of it (as <c>runs list</c> prints them).</summary>
public static class RunIds
{
    public const int MinimumPrefix = 4;

    private const int ListedMatches = 10;

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
        // The tracker applies the prefix to every run it holds; a few more than are listed tell "10" from "more than 10".
        var runs = await tracker.GetAsync<IReadOnlyList<RunRecord>>($"/runs?idPrefix={Uri.EscapeDataString(prefix)}&limit={ListedMatches + 1}", cancellationToken);
        // Checked here too: a tracker that predates idPrefix ignores it and would answer its newest runs.
        var matches = runs.Value.Select(r => r.Id).Where(g => g.ToString("D").StartsWith(prefix, StringComparison.Ordinal)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new CliException(ExitCodes.NotFound, $"No run id starts with '{text}' (see: platform runs list)."),
            _ => throw new CliException(ExitCodes.InvalidInput,
                $"'{text}' matches {(matches.Count > ListedMatches ? $"more than {ListedMatches}" : matches.Count.ToString(CultureInfo.InvariantCulture))} runs; give more of the id.",
                matches.Take(ListedMatches).Select(m => m.ToString("D")).ToList()),
        };
    }

    public static string Short(Guid id) => id.ToString("D")[..8];
}
