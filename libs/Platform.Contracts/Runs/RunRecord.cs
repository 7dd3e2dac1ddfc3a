using System.Text.Json;

namespace Platform.Contracts.Runs;

/// <summary>A run as the tracker's API shows it. <see cref="Metrics"/> holds each metric's final value, or its value at the latest step.</summary>
/// <param name="State">One of <see cref="RunStates"/>.</param>
/// <param name="Config">The validated training configuration the run was started with.</param>
/// <param name="Attempt">The latest attempt: resumes on request and trainer takeovers both count.</param>
/// <param name="Attempts">Every attempt a trainer announced, first to last (shown with a run's details).</param>
/// <param name="Findings">What the training doctor found in the curves so far (shown with a run's details; empty when nothing).</param>
/// <param name="ParentRunId">The run this one remedies (<c>POST /runs/{id}/findings/{finding}/remedy</c>); null otherwise.</param>
/// <param name="SweepId">The sweep this run is a trial of (<c>GET /sweeps/{id}</c>); null otherwise.</param>
/// <param name="SweepTrial">The trial's number in its sweep (0-based).</param>
/// <param name="SweepParameters">The parameters the sweep sampled for this trial (configuration paths → values).</param>
/// <param name="PrunedAtEpoch">For a pruned run: the epoch (rung) where the sweep's early-stopping rule stopped it.</param>
/// <param name="MisclassifiedExamples">How many examples the run's misclassified gallery holds (<c>GET /runs/{id}/misclassified</c>);
/// null until the trainer reports a completed run's gallery, 0 when it stored none.</param>
/// <param name="RemedyOf">The parent's finding this run remedies, with the remedy applied (e.g. <c>overfitting#0</c>).</param>
public sealed record RunRecord(
    Guid Id,
    string Experiment,
    string State,
    string? Reason,
    string? ModelName,
    string? DatasetName,
    int? DatasetVersion,
    string? Device,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    int Attempt,
    bool CancelRequested,
    IReadOnlyDictionary<string, JsonElement> Params,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, double> FinalMetrics,
    IReadOnlyList<MetricSummary> Curves,
    JsonElement? Config,
    IReadOnlyDictionary<string, double>? PerClass,
    ConfusionMatrix? ConfusionMatrix,
    IReadOnlyList<RunAttempt>? Attempts = null,
    IReadOnlyList<RunFinding>? Findings = null,
    Guid? ParentRunId = null,
    string? RemedyOf = null,
    Guid? SweepId = null,
    int? SweepTrial = null,
    IReadOnlyDictionary<string, JsonElement>? SweepParameters = null,
    int? PrunedAtEpoch = null,
    int? MisclassifiedExamples = null);
