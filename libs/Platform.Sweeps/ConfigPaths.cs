using System.Text.Json;
using System.Text.Json.Nodes;

namespace Platform.Sweeps;

/// <summary>Dotted camelCase paths into a training configuration (<c>lr</c>, <c>loss.labelSmoothing</c>), as sweeps and remedies name fields.</summary>
public static class ConfigPaths
{
    /// <summary>
    /// A copy of <paramref name="config"/> with each path set to its value, creating the sections a path needs (a null
    /// <c>mixup</c> becomes <c>{ "alpha": … }</c>); the trainer's validator then decides whether the result is a configuration.
    /// </summary>
    public static JsonElement With(JsonElement config, IEnumerable<KeyValuePair<string, JsonElement>> values)
    {
        var root = JsonNode.Parse(config.GetRawText()) as JsonObject
                   ?? throw new ArgumentException("A training configuration is a JSON object.", nameof(config));
        foreach (var (path, value) in values)
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
