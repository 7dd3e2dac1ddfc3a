using System.Text.Json;

namespace Platform.Contracts.Sweeps;

/// <summary>
/// The body of <c>POST /sweeps</c> (and of <c>platform sweeps create -c sweep.yaml</c>): a hyperparameter search over a base
/// training configuration. Every field may be missing on the wire, so the tracker can name each missing one (docs/sweeps.md).
/// </summary>
/// <param name="Dataset"><c>name</c> or <c>name:version</c>; without a version, the latest published one.</param>
/// <param name="Config">The base training configuration; each trial is this with its sampled parameters set.</param>
/// <param name="Parameters">The search space: a dotted camelCase configuration path (<c>lr</c>, <c>loss.labelSmoothing</c>) → its domain.</param>
/// <param name="Method"><c>grid</c>, <c>random</c> or <c>tpe</c>.</param>
/// <param name="Seed">Makes the sampled trials reproducible (default 0).</param>
/// <param name="MaxTrials">Trials to run; a grid defaults to (and is cut to) its size.</param>
/// <param name="Parallelism">Trials queued or running at once (default 1).</param>
/// <param name="PromoteBest">An alias the best trial's model version is promoted to when the sweep completes; null: none.</param>
public sealed record SweepSpec(
    string? Experiment,
    string? Dataset,
    string? ModelName,
    JsonElement? Config,
    IReadOnlyDictionary<string, ParameterSpace>? Parameters,
    string? Method,
    int? Seed,
    SweepObjective? Objective,
    int? MaxTrials,
    int? Parallelism,
    EarlyStoppingSpec? EarlyStopping,
    string? PromoteBest);
