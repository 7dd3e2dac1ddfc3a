using System.Text.Json;

namespace Platform.Contracts.Sweeps;

/// <summary>
/// One parameter's domain: either <paramref name="Values"/> (a choice among these), or a <paramref name="Distribution"/>
/// (<c>uniform</c>, <c>log_uniform</c>, <c>int_uniform</c>) between <paramref name="Min"/> and <paramref name="Max"/>, rounded to a
/// multiple of <paramref name="Q"/> when it is given (Bergstra et al.'s quantised distributions, hyperopt's <c>quniform</c>).
/// </summary>
public sealed record ParameterSpace(IReadOnlyList<JsonElement>? Values, string? Distribution, double? Min, double? Max, double? Q);
