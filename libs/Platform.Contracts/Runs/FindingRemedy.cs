using System.Text.Json;

namespace Platform.Contracts.Runs;

/// <summary>A remedy as a concrete configuration change.</summary>
/// <param name="Description">Why this change helps, in the guide's words.</param>
/// <param name="Changes">Training-configuration fields to set, by their JSON path (<c>weightDecay</c>, <c>loss.labelSmoothing</c>,
/// <c>earlyStopping</c>), each with its new value; a remedy run changes exactly these.</param>
public sealed record FindingRemedy(string Description, IReadOnlyDictionary<string, JsonElement> Changes);
