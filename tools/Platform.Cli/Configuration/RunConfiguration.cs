using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Platform.Training.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Platform.Cli.Configuration;

/// <summary>
/// A training configuration as the user writes it: a JSON or YAML file, then <c>--set key=value</c> overrides, checked
/// with the trainer's own rules (<see cref="TrainingConfig.Validate"/>) before anything is sent.
/// </summary>
public static class RunConfiguration
{
    /// <summary>
    /// The configuration as written (to send) and as the trainer will run it (defaults filled in); throws with every
    /// problem at once when it is invalid.
    /// </summary>
    public static (JsonObject Written, TrainingConfig Effective) Load(string? path, IReadOnlyCollection<string> overrides)
    {
        var config = path is null ? new JsonObject() : Read(path);
        foreach (var assignment in overrides)
        {
            Set(config, assignment);
        }
        var origin = (path ?? "the defaults") + (overrides.Count > 0 ? " with --set" : "");
        return (config, Validate(config, origin));
    }

    private static TrainingConfig Validate(JsonObject config, string origin) =>
        TrainingConfig.Check(config.ToJsonString(), out var parsed) is { Count: > 0 } violations
            ? throw new CliException(ExitCodes.InvalidInput, $"The training configuration ({origin}) is invalid.", violations.Select(v => v.ToString()).ToList())
            : parsed!;

    /// <summary>
    /// Applies <c>path=value</c>: the path names nested fields with dots (<c>optimizer.kind</c>, <c>loss.labelSmoothing</c>);
    /// the value is read as JSON when it is JSON (numbers, true/false, null, arrays, objects), else as a string.
    /// </summary>
    public static void Set(JsonObject config, string assignment)
    {
        var equals = assignment.IndexOf('=');
        if (equals <= 0)
        {
            throw new CliException(ExitCodes.InvalidInput, $"--set expects key=value (e.g. --set lr=0.0003 or --set optimizer.kind=sgd), not '{assignment}'.");
        }
        var path = assignment[..equals].Trim().Split('.');
        if (path.Any(string.IsNullOrWhiteSpace))
        {
            throw new CliException(ExitCodes.InvalidInput, $"--set {assignment}: '{assignment[..equals]}' is not a field path.");
        }
        var target = config;
        foreach (var name in path[..^1])
        {
            var existing = FindKey(target, name);
            if (existing is null || target[existing] is null)
            {
                var child = new JsonObject();
                target[existing ?? name] = child;
                target = child;
            }
            else if (target[existing] is JsonObject child)
            {
                target = child;
            }
            else
            {
                throw new CliException(ExitCodes.InvalidInput, $"--set {assignment}: '{existing}' is a value, not a group of fields.");
            }
        }
        var leaf = FindKey(target, path[^1]) ?? path[^1];
        target[leaf] = ParseValue(assignment[(equals + 1)..]);
    }

    private static JsonNode? ParseValue(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return JsonValue.Create(text);
        }
    }

    /// <summary>JSON property names match case-insensitively (as the server reads them), so an override replaces, never duplicates.</summary>
    private static string? FindKey(JsonObject target, string name) =>
        target.Select(p => p.Key).FirstOrDefault(key => string.Equals(key, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>A JSON or YAML file holding one object (a training configuration, a sweep spec), as JSON.</summary>
    public static JsonObject ReadObject(string path) => Read(path);

    private static JsonObject Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliException(ExitCodes.InvalidInput, $"The configuration file '{path}' does not exist.");
        }
        var text = File.ReadAllText(path);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        JsonNode? node;
        try
        {
            node = extension is ".yaml" or ".yml" ? FromYaml(text) : JsonNode.Parse(text, documentOptions: new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException exception)
        {
            throw new CliException(ExitCodes.InvalidInput, $"'{path}' is not valid JSON: {exception.Message}");
        }
        catch (YamlException exception)
        {
            throw new CliException(ExitCodes.InvalidInput, $"'{path}' is not valid YAML (line {exception.Start.Line}): {exception.Message}");
        }
        catch (InvalidOperationException exception) when (extension is ".yaml" or ".yml")
        {
            // YamlDotNet's scanner throws this, without a position, on some unterminated flow collections.
            throw new CliException(ExitCodes.InvalidInput, $"'{path}' is not valid YAML (an unterminated [...] or {{...}}?): {exception.Message}");
        }
        return node as JsonObject
            ?? throw new CliException(ExitCodes.InvalidInput, $"'{path}' must hold one object of training settings (e.g. {{\"architecture\": \"resnet18\", \"epochs\": 10}}).");
    }

    private static JsonNode? FromYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? new JsonObject() : Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(entry =>
            KeyValuePair.Create(((YamlScalarNode)entry.Key).Value ?? "", Convert(entry.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new YamlException(node.Start, node.End, "Anchors and aliases are not supported in a training configuration."),
    };

    /// <summary>YAML 1.2 core schema: plain scalars can be null, booleans or numbers; quoted ones are always strings.</summary>
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(value);
        }
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return JsonValue.Create(number);
        }
        return JsonValue.Create(value);
    }
}
