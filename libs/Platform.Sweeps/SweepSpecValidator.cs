using System.Globalization;
using System.Text.Json;
using Platform.Contracts.Naming;
using Platform.Contracts.Sweeps;
using Platform.Training.Configuration;

namespace Platform.Sweeps;

/// <summary>
/// Checks a sweep spec and names every problem at once, keyed by the field's path (<c>parameters.lr</c>, <c>objective.goal</c>).
/// Configurations are checked with the trainer's own rules (<see cref="TrainingConfig.Check"/>): the base configuration, and each
/// parameter at the ends of its range (or at each of its values) set into it, so a path the configuration does not have, or a value
/// the trainer would refuse, is refused here rather than in a trial.
/// </summary>
public static class SweepSpecValidator
{
    public const int MaxTrialsLimit = 1000;
    public const int MaxParallelism = 32;
    public const int DefaultParallelism = 1;

    private static readonly string[] Distributions = ["uniform", "log_uniform", "int_uniform"];

    public static Dictionary<string, string[]> Validate(SweepSpec? spec, out SweepDefinition? definition)
    {
        definition = null;
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
            {
                errors[field] = list = [];
            }
            list.Add(message);
        }
        if (spec is null)
        {
            Add("body", "Send a sweep spec: experiment, dataset, modelName, config, parameters, method, objective (see docs/sweeps.md).");
            return Done(errors);
        }

        var experiment = spec.Experiment ?? "";
        if (ResourceNames.Experiment.Problem(experiment) is { } experimentProblem)
        {
            Add("experiment", experimentProblem);
        }
        var (datasetName, datasetVersion) = ParseDataset(spec.Dataset, Add);
        if (ResourceNames.Model.Problem(spec.ModelName) is { } modelProblem)
        {
            Add("modelName", modelProblem);
        }

        var method = spec.Method?.Trim().ToLowerInvariant() switch
        {
            "grid" => SearchMethodKind.Grid,
            "random" => SearchMethodKind.Random,
            "tpe" => SearchMethodKind.Tpe,
            null or "" => (SearchMethodKind?)null,
            _ => null,
        };
        if (method is null)
        {
            Add("method", spec.Method is null ? "method is required: grid, random or tpe." : $"'{spec.Method}' is not a method: use grid, random or tpe.");
        }

        var metric = spec.Objective?.Metric?.Trim();
        if (string.IsNullOrEmpty(metric))
        {
            Add("objective.metric", "objective.metric is required: a metric the trials record, such as val_accuracy or val_loss.");
        }
        else if (metric.Length > 100 || !metric.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
        {
            Add("objective.metric", $"'{metric}' is not a metric name: letters, digits, '_', '.' and '-'.");
        }
        var goal = spec.Objective?.Goal?.Trim().ToLowerInvariant();
        if (goal is not ("maximize" or "minimize"))
        {
            Add("objective.goal", goal is null ? "objective.goal is required: maximize or minimize." : $"'{spec.Objective!.Goal}' is not a goal: use maximize or minimize.");
        }

        if (spec.Parallelism is { } parallelism && (parallelism < 1 || parallelism > MaxParallelism))
        {
            Add("parallelism", $"parallelism must be between 1 and {MaxParallelism}.");
        }
        if (spec.MaxTrials is { } maxTrials && (maxTrials < 1 || maxTrials > MaxTrialsLimit))
        {
            Add("maxTrials", $"maxTrials must be between 1 and {MaxTrialsLimit}.");
        }
        else if (spec.MaxTrials is null && method is SearchMethodKind.Random or SearchMethodKind.Tpe)
        {
            Add("maxTrials", $"maxTrials is required for the {spec.Method} method (1 to {MaxTrialsLimit}).");
        }
        if (spec.PromoteBest is { } alias && ResourceNames.Alias.Problem(alias) is { } aliasProblem)
        {
            Add("promoteBest", aliasProblem);
        }

        // The base configuration, with the trainer's rules.
        TrainingConfig? baseConfig = null;
        if (spec.Config is not { ValueKind: JsonValueKind.Object } config)
        {
            Add("config", "config is required: a JSON object with the base training configuration (see docs/training.md).");
        }
        else
        {
            foreach (var violation in TrainingConfig.Check(config.GetRawText(), out baseConfig))
            {
                Add(violation.Field.Length == 0 ? "config" : $"config.{violation.Field}", violation.Message);
            }
        }

        var early = ParseEarlyStopping(spec.EarlyStopping, baseConfig, Add);
        var epochs = early.MaxEpochs ?? baseConfig?.Epochs ?? 0;
        JsonElement? trialBase = spec.Config is { ValueKind: JsonValueKind.Object } given && baseConfig is not null
            ? ConfigPaths.With(given, [new("epochs", JsonSerializer.SerializeToElement(epochs))])
            : null;

        var domains = new List<ParameterDomain>();
        if (spec.Parameters is not { Count: > 0 } parameters)
        {
            Add("parameters", "parameters is required: at least one configuration path with its values or distribution.");
        }
        else
        {
            foreach (var (path, space) in parameters)
            {
                if (ParseDomain(path, space, early.Rule is not null, Add) is not { } domain)
                {
                    continue;
                }
                if (trialBase is { } probeBase && !ProbeValues(domain, probeBase, Add))
                {
                    continue;
                }
                domains.Add(domain);
            }
        }

        var trialsPlanned = spec.MaxTrials ?? 0;
        if (method == SearchMethodKind.Grid && domains.Count > 0 && domains.Count == spec.Parameters!.Count)
        {
            if (domains.FirstOrDefault(d => !d.IsDiscrete) is { } continuous)
            {
                Add($"parameters.{continuous.Path}", $"A grid needs discrete parameters: give {continuous.Path} values, an int_uniform range or a q step.");
            }
            else
            {
                var size = domains.Aggregate(1.0, (product, d) => product * d.GridSize());
                if (size > MaxTrialsLimit && spec.MaxTrials is null)
                {
                    Add("parameters", $"The grid has {size:0} combinations, more than {MaxTrialsLimit}: set maxTrials or fewer values.");
                }
                trialsPlanned = (int)Math.Min(size, spec.MaxTrials ?? MaxTrialsLimit);
            }
        }

        if (errors.Count > 0)
        {
            return Done(errors);
        }
        definition = new SweepDefinition(experiment, datasetName!, datasetVersion, spec.ModelName!, trialBase!.Value, domains, method!.Value,
            spec.Seed ?? 0, metric!, goal == "maximize", trialsPlanned, spec.Parallelism ?? DefaultParallelism, early.Rule, epochs, spec.PromoteBest);
        return Done(errors);
    }

    private static Dictionary<string, string[]> Done(Dictionary<string, List<string>> errors) =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    private static (string? Name, int? Version) ParseDataset(string? text, Action<string, string> add)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            add("dataset", "dataset is required: name or name:version of a published dataset.");
            return (null, null);
        }
        var colon = text.LastIndexOf(':');
        var name = (colon < 0 ? text : text[..colon]).Trim();
        int? version = null;
        if (colon >= 0)
        {
            if (int.TryParse(text[(colon + 1)..].TrimStart('v', 'V'), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= 1)
            {
                version = parsed;
            }
            else
            {
                add("dataset", $"'{text}' is not a dataset reference: write name or name:version (e.g. fashion-mnist:3).");
            }
        }
        if (ResourceNames.Dataset.Problem(name) is { } problem)
        {
            add("dataset", problem);
        }
        return (name, version);
    }

    private static (IEarlyStoppingRule? Rule, int? MaxEpochs) ParseEarlyStopping(EarlyStoppingSpec? spec, TrainingConfig? config, Action<string, string> add)
    {
        if (spec is null)
        {
            return (null, null);
        }
        var kind = spec.Kind?.Trim().ToLowerInvariant();
        if (kind is not ("asha" or "median"))
        {
            add("earlyStopping.kind", spec.Kind is null ? "earlyStopping.kind is required: asha or median." : $"'{spec.Kind}' is not an early-stopping rule: use asha or median.");
        }
        var grace = spec.GracePeriod ?? 1;
        var factor = spec.ReductionFactor ?? 3;
        var minSamples = spec.MinSamples ?? 3;
        var maxEpochs = spec.MaxEpochs ?? config?.Epochs;
        var valid = kind is "asha" or "median";
        if (grace < 1)
        {
            add("earlyStopping.gracePeriod", "earlyStopping.gracePeriod must be at least 1 epoch.");
            valid = false;
        }
        if (kind == "asha" && factor < 2)
        {
            add("earlyStopping.reductionFactor", "earlyStopping.reductionFactor must be at least 2.");
            valid = false;
        }
        if (kind == "median" && minSamples < 1)
        {
            add("earlyStopping.minSamples", "earlyStopping.minSamples must be at least 1.");
            valid = false;
        }
        if (spec.MaxEpochs is { } given && (given < 1 || given > 10_000))
        {
            add("earlyStopping.maxEpochs", "earlyStopping.maxEpochs must be between 1 and 10000.");
            valid = false;
        }
        else if (maxEpochs is { } max && max < grace)
        {
            add("earlyStopping.maxEpochs", $"earlyStopping.maxEpochs ({max}) must be at least the grace period ({grace}).");
            valid = false;
        }
        if (!valid || maxEpochs is null)
        {
            return (null, maxEpochs);
        }
        IEarlyStoppingRule rule = kind == "asha" ? new AshaScheduler(grace, factor, maxEpochs.Value) : new MedianStoppingRule(grace, minSamples, maxEpochs.Value);
        return (rule, maxEpochs);
    }

    private static ParameterDomain? ParseDomain(string path, ParameterSpace? space, bool earlyStopping, Action<string, string> add)
    {
        var field = $"parameters.{path}";
        if (string.IsNullOrWhiteSpace(path) || path.Split('.').Any(part => part.Length == 0))
        {
            add(field, $"'{path}' is not a configuration path: dotted camelCase field names, such as lr or loss.labelSmoothing.");
            return null;
        }
        if (earlyStopping && path == "epochs")
        {
            add(field, "epochs cannot be searched with early stopping: earlyStopping.maxEpochs sets every trial's epochs.");
            return null;
        }
        if (space is null)
        {
            add(field, "Give values: [...] or a distribution (uniform, log_uniform, int_uniform) with min and max.");
            return null;
        }
        if (space.Values is not null)
        {
            if (space.Distribution is not null || space.Min is not null || space.Max is not null || space.Q is not null)
            {
                add(field, "Give either values or a distribution with min and max, not both.");
                return null;
            }
            if (space.Values.Count == 0)
            {
                add(field, "values is empty: list at least one value.");
                return null;
            }
            return ParameterDomain.OfValues(path, space.Values.Select(v => v.Clone()).ToList());
        }
        var distribution = space.Distribution?.Trim().ToLowerInvariant();
        if (distribution is null || !Distributions.Contains(distribution))
        {
            add(field, distribution is null
                ? "Give values: [...] or a distribution (uniform, log_uniform, int_uniform) with min and max."
                : $"'{space.Distribution}' is not a distribution: use uniform, log_uniform or int_uniform.");
            return null;
        }
        if (space.Min is not { } min || space.Max is not { } max || !double.IsFinite(min) || !double.IsFinite(max))
        {
            add(field, $"A {distribution} distribution needs finite min and max.");
            return null;
        }
        var ok = true;
        if (min >= max)
        {
            add(field, $"The range is empty: min ({Text(min)}) must be below max ({Text(max)}).");
            ok = false;
        }
        if (distribution == "log_uniform" && min <= 0)
        {
            add(field, $"A log_uniform range must be positive (min is {Text(min)}).");
            ok = false;
        }
        if (distribution == "int_uniform" && (min != Math.Floor(min) || max != Math.Floor(max)))
        {
            add(field, "An int_uniform range needs integer min and max.");
            ok = false;
        }
        if (space.Q is { } q && (!(q > 0) || !double.IsFinite(q)))
        {
            add(field, "q must be a positive step.");
            ok = false;
        }
        else if (space.Q is { } step && ok && Math.Floor(max / step + 1e-9) < Math.Ceiling(min / step - 1e-9))
        {
            add(field, $"The range is empty: no multiple of q ({Text(step)}) lies between {Text(min)} and {Text(max)}.");
            ok = false;
        }
        if (!ok)
        {
            return null;
        }
        var kind = distribution switch { "uniform" => DomainKind.Uniform, "log_uniform" => DomainKind.LogUniform, _ => DomainKind.IntUniform };
        return new ParameterDomain(path, kind, [], min, max, space.Q);
    }

    /// <summary>
    /// Sets the domain's extreme values (each value of a list) into the base configuration and checks them with the trainer's rules.
    /// An unknown path is one problem, named once; each refused value is named with the trainer's reason.
    /// </summary>
    private static bool ProbeValues(ParameterDomain domain, JsonElement baseConfig, Action<string, string> add)
    {
        var field = $"parameters.{domain.Path}";
        var probes = domain.Kind == DomainKind.Values
            ? domain.Values
            : [domain.FromInternal(domain.InternalMin), domain.FromInternal(domain.InternalMax)];
        var ok = true;
        foreach (var probe in probes.DistinctBy(p => p.GetRawText()))
        {
            var violations = TrainingConfig.Check(ConfigPaths.With(baseConfig, [new(domain.Path, probe)]).GetRawText(), out _);
            if (violations.FirstOrDefault(v => IsUnknownPath(v, domain.Path)) is not null)
            {
                add(field, $"'{domain.Path}' is not a training configuration field (see docs/training.md for the fields and their names).");
                return false;
            }
            foreach (var violation in violations)
            {
                add(field, $"{probe.GetRawText()} would be refused by the trainer: {violation}");
                ok = false;
            }
        }
        return ok;
    }

    private static bool IsUnknownPath(ConfigViolation violation, string path) =>
        violation.Message.Contains("could not be mapped", StringComparison.Ordinal)
        && (path == violation.Field || path.StartsWith(violation.Field + ".", StringComparison.Ordinal) || violation.Field.Length == 0
            || violation.Field.StartsWith(path, StringComparison.Ordinal));

    private static string Text(double value) => value.ToString("G", CultureInfo.InvariantCulture);
}
