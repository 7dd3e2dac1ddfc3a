using System.Text.Json;

namespace Platform.Contracts.Runs;

/// <summary>
/// The body of <c>POST /experiments/{experiment}/runs</c>: which dataset version to train on, the model name, and the training
/// configuration (fields left out take their defaults). Every field may be missing on the wire, so the tracker can name each
/// missing one in its validation answer.
/// </summary>
public sealed record CreateRunRequest(RunDataset? Dataset, string? ModelName, JsonElement? Config);
