using System.Text.Json;
using System.Text.RegularExpressions;

namespace Platform.Tracker.Runs;

/// <summary>A request to start a run: which dataset version to train on, the model name, and the training configuration.</summary>
public sealed record CreateRunRequest(DatasetReference? Dataset, string? ModelName, JsonElement? Config);

public sealed record DatasetReference(string? Name, int? Version);

/// <summary>
/// Validates a run request; every problem is reported at once, keyed by the field's JSON path, so a caller can fix
/// them all in one go. The training configuration itself is checked by the trainer's own validator.
/// </summary>
public static partial class RunConfigValidator
{
    public const string NameRule = "1-100 characters: letters, digits, '.', '_' or '-', starting with a letter or digit";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex NamePattern();

    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    public static Dictionary<string, string[]> Validate(string experiment, CreateRunRequest? request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!IsValidName(experiment))
        {
            errors["experiment"] = [$"The experiment name must be {NameRule}."];
        }
        if (request is null)
        {
            errors["body"] = ["Send {\"dataset\": {\"name\", \"version\"}, \"modelName\", \"config\": {...}}."];
            return errors;
        }
        if (!IsValidName(request.Dataset?.Name))
        {
            errors["dataset.name"] = [$"dataset.name is required: {NameRule}."];
        }
        if (request.Dataset?.Version is not > 0)
        {
            errors["dataset.version"] = ["dataset.version is required: a published version number (1 or more)."];
        }
        if (!IsValidName(request.ModelName))
        {
            errors["modelName"] = [$"modelName is required: {NameRule}."];
        }
        if (request.Config is not { ValueKind: JsonValueKind.Object } config)
        {
            errors["config"] = ["config is required: a JSON object with the training configuration (see docs/training.md)."];
        }
        else
        {
            foreach (var (field, message) in CheckTrainingConfig(config))
            {
                errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
            }
        }
        return errors;
    }

    /// <summary>
    /// Range checks of the main hyperparameters, with the field names and limits of Platform.Training's
    /// TrainingConfigValidator. That validator cannot be referenced while it lives beside TorchSharp; this is the one
    /// place to call it instead once the configuration has its own TorchSharp-free project.
    /// </summary>
    private static IEnumerable<(string Field, string Message)> CheckTrainingConfig(JsonElement config)
    {
        (string Field, string Message)? Range(string field, double min, double max, bool integer, bool maxExclusive = false)
        {
            if (!config.TryGetProperty(field, out var value))
            {
                return null;
            }
            if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || (integer && number != Math.Floor(number)))
            {
                return ($"config.{field}", $"{field} must be {(integer ? "an integer" : "a number")}.");
            }
            return number < min || number > max || (maxExclusive && number >= max)
                ? ($"config.{field}", $"{field} must be in [{min}, {max}{(maxExclusive ? ")" : "]")}; it is {number}.")
                : null;
        }
        return new[]
        {
            Range("lr", 1e-8, 10, integer: false),
            Range("weightDecay", 0, 1, integer: false),
            Range("epochs", 1, 10_000, integer: true),
            Range("batchSize", 1, 4096, integer: true),
            Range("dropout", 0, 1, integer: false, maxExclusive: true),
            Range("seed", 0, int.MaxValue, integer: true),
        }.OfType<(string, string)>();
    }

    /// <summary>The configuration as flat parameters, e.g. <c>optimizer.kind</c> → <c>"adamw"</c>, each value as JSON.</summary>
    public static Dictionary<string, string> Flatten(JsonElement config)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        void Walk(JsonElement element, string path)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}");
                }
            }
            else if (element.ValueKind != JsonValueKind.Null && path.Length > 0)
            {
                parameters[path] = element.GetRawText();
            }
        }
        Walk(config, "");
        return parameters;
    }
}
