using System.Text.Json;

namespace Platform.Sweeps;

/// <summary>
/// A sweep spec that passed <see cref="SweepSpecValidator"/>: every default filled in, the search space parsed, and the base
/// configuration carrying the epochs a trial trains when it is not stopped early.
/// </summary>
/// <param name="DatasetVersion">As the spec named it; null means the latest published version, which the tracker resolves.</param>
/// <param name="TrialsPlanned">maxTrials, or the grid's size (cut to maxTrials when that is given).</param>
public sealed record SweepDefinition(
    string Experiment,
    string DatasetName,
    int? DatasetVersion,
    string ModelName,
    JsonElement BaseConfig,
    IReadOnlyList<ParameterDomain> Parameters,
    SearchMethodKind Method,
    int Seed,
    string Metric,
    bool Maximize,
    int TrialsPlanned,
    int Parallelism,
    IEarlyStoppingRule? EarlyStopping,
    int Epochs,
    string? PromoteBest)
{
    /// <summary>The search method, fresh: grid and random are functions of the trial number, TPE of the trials observed so far.</summary>
    public ISearchMethod CreateSearch() => Method switch
    {
        SearchMethodKind.Grid => new GridSearch(Parameters),
        SearchMethodKind.Random => new RandomSearch(Parameters, Seed),
        _ => new TreeParzenEstimator(Parameters, Seed),
    };

    /// <summary>A trial's training configuration: the base with the trial's parameters set (not yet validated).</summary>
    public JsonElement TrialConfig(IReadOnlyDictionary<string, JsonElement> parameters) => ConfigPaths.With(BaseConfig, parameters);

    /// <summary>A value of the objective turned so that higher is better (the early-stopping rules and TPE compare scores).</summary>
    public double Score(double objective) => Maximize ? objective : -objective;
}
