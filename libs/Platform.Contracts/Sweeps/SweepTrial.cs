using System.Text.Json;

namespace Platform.Contracts.Sweeps;

/// <summary>One trial of a sweep: an ordinary run (<paramref name="RunId"/>) with its sampled parameters.</summary>
/// <param name="State">The run's state (<see cref="Runs.RunStates"/>, <c>pruned</c> when early stopping ended it), or <c>invalid</c> when the
/// trainer's rules refused the sampled configuration and no run was started.</param>
/// <param name="Objective">The objective metric's value: the run's final value, or its latest while it trains.</param>
/// <param name="EpochsTrained">Epochs the trial's objective curve holds.</param>
/// <param name="PrunedAtEpoch">The rung (epoch) where early stopping pruned it.</param>
public sealed record SweepTrial(
    int Number,
    Guid RunId,
    IReadOnlyDictionary<string, JsonElement> Parameters,
    string State,
    double? Objective,
    int EpochsTrained,
    int? PrunedAtEpoch,
    string? Reason);
