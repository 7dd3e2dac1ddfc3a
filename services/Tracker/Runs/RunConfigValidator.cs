using System.Text.Json;
using Platform.Training.Configuration;
using Platform.Contracts.Naming;
using Platform.Contracts.Runs;

namespace Platform.Tracker.Runs;

/// <summary>
/// Validates a run request; every problem is reported at once, keyed by the field's JSON path, so a caller can fix
/// them all in one go. The training configuration is checked with the trainer's own validator.
/// </summary>
public static class RunConfigValidator
{
    /// <param name="config">The configuration, every default filled in, to record and send to the trainer when the request is valid.</param>
    public static Dictionary<string, string[]> Validate(string experiment, CreateRunRequest? request, out TrainingConfig? config)
    {
        config = null;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (ResourceNames.Experiment.Problem(experiment) is { } experimentProblem)
        {
            errors["experiment"] = [experimentProblem];
        }
        if (request is null)
        {
            errors["body"] = ["Send {\"dataset\": {\"name\", \"version\"}, \"modelName\", \"config\": {...}}."];
            return errors;
        }
        // The dataset rule is ingest's: a name ingest can never create would only fail later, in the trainer.
        if (ResourceNames.Dataset.Problem(request.Dataset?.Name) is { } datasetProblem)
        {
            errors["dataset.name"] = [datasetProblem];
        }
        if (request.Dataset?.Version is not > 0)
        {
            errors["dataset.version"] = ["dataset.version is required: a published version number (1 or more)."];
        }
        if (ResourceNames.Model.Problem(request.ModelName) is { } modelProblem)
        {
            errors["modelName"] = [modelProblem];
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
