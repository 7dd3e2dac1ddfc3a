using System.Text.Json;

namespace Platform.Tracker.Runs;

/// <summary>A request to start a run: which dataset version to train on, the model name, and the training configuration.</summary>
public sealed record CreateRunRequest(DatasetReference? Dataset, string? ModelName, JsonElement? Config);
