using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Platform.Contracts.Runs;

namespace Platform.Tracker.Runs;

/// <summary>
/// Run search in the spirit of MLflow: clauses joined by <c>and</c>, each <c>key op value</c>, where key is
/// <c>metrics.NAME</c>, <c>params.NAME</c>, <c>state</c>, <c>experiment</c>, <c>model</c> or <c>dataset</c>; op is one
/// of <c>= != &gt; &gt;= &lt; &lt;=</c>; value is a number or a quoted string. Example:
/// <c>metrics.val_accuracy &gt; 0.9 and params.optimizer = 'adamw'</c>. Numbers compare numerically; a run without the
/// key never matches.
/// </summary>
public sealed partial record RunFilter(IReadOnlyList<RunFilter.Clause> Clauses)
{
    public sealed record Clause(string Key, string Operator, string Value, double? Number);

    [GeneratedRegex("""^\s*(?<key>[A-Za-z_][A-Za-z0-9_.\-/]*)\s*(?<op>!=|>=|<=|=|>|<)\s*(?<value>'[^']*'|"[^"]*"|[^\s'"]+)\s*$""")]
    private static partial Regex ClausePattern();

    [GeneratedRegex(@"\s+and\s+", RegexOptions.IgnoreCase)]
    private static partial Regex AndPattern();

    public static bool TryParse(string? text, out RunFilter filter, out string? error)
    {
        filter = new RunFilter([]);
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }
        var clauses = new List<Clause>();
        foreach (var part in AndPattern().Split(text))
        {
            var match = ClausePattern().Match(part);
            if (!match.Success)
            {
                error = $"'{part.Trim()}' is not a clause: write key op value, e.g. metrics.val_accuracy > 0.9 or params.optimizer = 'adamw'.";
                return false;
            }
            var key = match.Groups["key"].Value;
            if (!IsKnownKey(key))
            {
                error = $"'{key}' is not a searchable key: use metrics.NAME, params.NAME, state, experiment, model or dataset.";
                return false;
            }
            var raw = match.Groups["value"].Value;
            var quoted = raw.Length >= 2 && (raw[0] == '\'' || raw[0] == '"');
            var value = quoted ? raw[1..^1] : raw;
            double? number = !quoted && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
            if (!quoted && number is null)
            {
                error = $"'{raw}' must be a number or a quoted string.";
                return false;
            }
            clauses.Add(new Clause(key, match.Groups["op"].Value, value, number));
        }
        filter = new RunFilter(clauses);
        return true;
    }

    public static bool IsKnownKey(string key) =>
        key.StartsWith("metrics.", StringComparison.Ordinal) || key.StartsWith("params.", StringComparison.Ordinal)
        || key is "state" or "experiment" or "model" or "dataset" or "createdAt";

    public bool Matches(RunRecord run) => Clauses.All(clause => Holds(clause, run));

    private static bool Holds(Clause clause, RunRecord run)
    {
        var value = ValueOf(run, clause.Key);
        if (value is null)
        {
            return false;
        }
        int comparison;
        if (clause.Number is { } number && value.Value.Number is { } actual)
        {
            comparison = actual.CompareTo(number);
        }
        else if (clause.Number is null && value.Value.Text is { } text)
        {
            comparison = string.CompareOrdinal(text, clause.Value);
        }
        else
        {
            return clause.Operator == "!=";
        }
        return clause.Operator switch
        {
            "=" => comparison == 0,
            "!=" => comparison != 0,
            ">" => comparison > 0,
            ">=" => comparison >= 0,
            "<" => comparison < 0,
            _ => comparison <= 0,
        };
    }

    /// <summary>The value of a search or sort key for a run: a number, a text, or null when the run lacks it.</summary>
    public static (double? Number, string? Text)? ValueOf(RunRecord run, string key)
    {
        if (key.StartsWith("metrics.", StringComparison.Ordinal))
        {
            return run.Metrics.TryGetValue(key["metrics.".Length..], out var metric) ? (metric, null) : null;
        }
        if (key.StartsWith("params.", StringComparison.Ordinal))
        {
            if (!run.Params.TryGetValue(key["params.".Length..], out var parameter))
            {
                return null;
            }
            return parameter.ValueKind switch
            {
                JsonValueKind.Number => (parameter.GetDouble(), parameter.GetRawText()),
                JsonValueKind.String => (double.TryParse(parameter.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) ? n : null, parameter.GetString()),
                _ => (null, parameter.GetRawText()),
            };
        }
        return key switch
        {
            "state" => (null, run.State),
            "experiment" => (null, run.Experiment),
            "model" => run.ModelName is null ? null : (null, run.ModelName),
            "dataset" => run.DatasetName is null ? null : (null, run.DatasetName),
            "createdAt" => (run.CreatedAt.ToUnixTimeMilliseconds(), run.CreatedAt.ToString("O")),
            _ => null,
        };
    }

    /// <summary>Sorts by <c>key [asc|desc]</c>; runs without the key come last.</summary>
    public static bool TryOrder(IEnumerable<RunRecord> runs, string? orderBy, out IReadOnlyList<RunRecord> ordered, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(orderBy))
        {
            ordered = runs.OrderByDescending(r => r.CreatedAt).ToList();
            return true;
        }
        var parts = orderBy.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var descending = parts.Length == 2 && parts[1].Equals("desc", StringComparison.OrdinalIgnoreCase);
        if (parts.Length > 2 || !IsKnownKey(parts[0]) || (parts.Length == 2 && !descending && !parts[1].Equals("asc", StringComparison.OrdinalIgnoreCase)))
        {
            ordered = [];
            error = $"orderBy '{orderBy}' must be a key (metrics.NAME, params.NAME, state, experiment, model, dataset, createdAt) optionally followed by asc or desc.";
            return false;
        }
        var keyed = runs.Select(run => (Run: run, Value: ValueOf(run, parts[0]))).ToList();
        var present = keyed.Where(k => k.Value is not null);
        var sorted = descending
            ? present.OrderByDescending(k => k.Value!.Value.Number ?? double.NaN).ThenByDescending(k => k.Value!.Value.Text, StringComparer.Ordinal)
            : present.OrderBy(k => k.Value!.Value.Number ?? double.NaN).ThenBy(k => k.Value!.Value.Text, StringComparer.Ordinal);
        ordered = [.. sorted.Select(k => k.Run), .. keyed.Where(k => k.Value is null).Select(k => k.Run)];
        return true;
    }
}
