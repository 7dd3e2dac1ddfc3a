using System.Text.Json;

namespace Platform.Sweeps;

/// <summary>A finished trial as a search method learns from it: its parameters and its score (the objective, higher is better).</summary>
public sealed record TrialObservation(IReadOnlyDictionary<string, JsonElement> Parameters, double Score);
