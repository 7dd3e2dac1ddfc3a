using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Contracts.Runs;

namespace Platform.Tracker.Runs;

/// <summary>A parent run's configuration with one remedy's changes applied, and nothing else changed.</summary>
public static class RemedyConfig
{
    /// <summary>
    /// Sets each of <paramref name="remedy"/>'s fields (dotted camelCase paths such as <c>loss.labelSmoothing</c>) in a copy of
    /// <paramref name="config"/>, creating the sections a path needs; the result is checked by the trainer's validator when the run is created.
    /// </summary>
    public static JsonElement Apply(JsonElement config, FindingRemedy remedy)
    {
        ArgumentNullException.ThrowIfNull(remedy);
        var root = JsonNode.Parse(config.GetRawText()) as JsonObject
                   ?? throw new ArgumentException("A run's configuration is a JSON object.", nameof(config));
        foreach (var (path, value) in remedy.Changes)
        {
            var parts = path.Split('.');
            var target = root;
            foreach (var part in parts[..^1])
            {
                if (target[part] is not JsonObject section)
                {
                    section = [];
                    target[part] = section;
                }
                target = section;
            }
            target[parts[^1]] = JsonNode.Parse(value.GetRawText());
        }
        return JsonSerializer.SerializeToElement(root);
    }
}
