using System.Text.Json;
using System.Text.RegularExpressions;
using Platform.Training.Configuration;

namespace Platform.Tracker.Runs;

/// <summary>A request to start a run: which dataset version to train on, the model name, and the training configuration.</summary>
public sealed record CreateRunRequest(DatasetReference? Dataset, string? ModelName, JsonElement? Config);

public sealed record DatasetReference(string? Name, int? Version);

/// <summary>
/// Validates a run request; every problem is reported at once, keyed by the field's JSON path, so a caller can fix
/// them all in one go. The training configuration is checked with the trainer's own validator.
/// </summary>
public static partial class RunConfigValidator
{
    public const string NameRule = "1-100 characters: letters, digits, '.', '_' or '-', starting with a letter or digit";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex NamePattern();

    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <param name="config">The configuration, every default filled in, to record and send to the trainer when the request is valid.</param>
    public static Dictionary<string, string[]> Validate(string experiment, CreateRunRequest? request, out TrainingConfig? config)
    {
        config = null;
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
        if (request.Config is not { ValueKind: JsonValueKind.Object } requested)
        {
            errors["config"] = ["config is required: a JSON object with the training configuration (see docs/training.md)."];
        }
        else
        {
            foreach (var (field, message) in CheckTrainingConfig(requested, out config))
            {
                errors[field] = errors.TryGetValue(field, out var existing) ? [.. existing, message] : [message];
            }
        }
        return errors;
    }

    /// <summary>
    /// The trainer's own rules (Platform.Training.Configuration): unknown fields and enum names, ranges and
    /// consistency. On success, <paramref name="parsed"/> is the configuration with every default filled in, exactly what the
    /// trainer will run with.
    /// </summary>
    private static IEnumerable<(string Field, string Message)> CheckTrainingConfig(JsonElement config, out TrainingConfig? parsed)
    {
        var violations = TrainingConfig.Check(config.GetRawText(), out parsed);
        return violations.Select(v => (v.Field.Length == 0 ? "config" : $"config.{v.Field}", v.Message)).ToList();
    }
}
