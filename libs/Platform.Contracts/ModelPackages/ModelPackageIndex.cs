using System.Text.Json;

namespace Platform.Contracts.ModelPackages;

/// <summary>
/// A model package's index (<see cref="ModelPackageLayout.IndexFile"/>): what the package is and which files it holds. The trainer
/// writes it last and inference reads it first, both through <see cref="ToJson"/> and <see cref="FromJson"/>, so both sides agree
/// on every name and a field missing from the file is an error rather than a silent default.
/// </summary>
/// <param name="Files">Every file of the package besides the index (see <see cref="ModelPackageLayout"/>).</param>
/// <param name="Accuracy">Validation accuracy of the packaged model.</param>
/// <param name="Calibration">The temperature serving applies to the logits; null in packages written before calibration (T = 1).</param>
public sealed record ModelPackageIndex(
    Guid RunId,
    string ModelName,
    string Architecture,
    IReadOnlyList<string> Labels,
    IReadOnlyList<string> Files,
    ModelPackageDataset Dataset,
    double Accuracy,
    ModelPackageParity Parity,
    DateTimeOffset CreatedAt,
    ModelPackageCalibration? Calibration = null)
{
    /// <summary>camelCase names, indented; null and absent required values refused when reading.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>
    /// Why this index cannot be served as <paramref name="modelName"/>'s run <paramref name="runId"/> (another model or run, or a
    /// serving file it does not list), or null when it can. Inference refuses to load such a package and the tracker to route to it.
    /// </summary>
    public string? ProblemFor(string modelName, Guid runId) =>
        ModelName != modelName || RunId != runId
            ? $"it indexes {ModelName} run {RunId:N}, not {modelName} run {runId:N}"
            : ModelPackageLayout.ServingFiles.FirstOrDefault(file => !Files.Contains(file, StringComparer.Ordinal)) is { } missing
                ? $"it does not list {missing}, which serving needs"
                : null;

    /// <exception cref="JsonException">The text is not a complete index.</exception>
    public static ModelPackageIndex FromJson(string json) =>
        JsonSerializer.Deserialize<ModelPackageIndex>(json, JsonOptions) ?? throw new JsonException("The model package index is null.");
}
