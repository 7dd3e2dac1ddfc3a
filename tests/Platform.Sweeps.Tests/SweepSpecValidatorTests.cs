using System.Text.Json;
using Platform.Contracts.Sweeps;
using Platform.Sweeps;

namespace Platform.Sweeps.Tests;

public sealed class SweepSpecValidatorTests
{
    private static readonly JsonElement BaseConfig = JsonDocument.Parse("""{ "architecture": "small_cnn", "imageSize": 28, "epochs": 4 }""").RootElement;

    private static SweepSpec Spec(Dictionary<string, ParameterSpace> parameters, string method = "grid", EarlyStoppingSpec? early = null, int? maxTrials = null) =>
        new("tests", "fashion:1", "fashion-cnn", BaseConfig, parameters, method, 7, new SweepObjective("val_accuracy", "maximize"), maxTrials, 2, early, null);

    private static ParameterSpace Values(params object[] values) =>
        new(values.Select(v => JsonSerializer.SerializeToElement(v)).ToList(), null, null, null, null);

    private static ParameterSpace Range(string distribution, double min, double max, double? q = null) => new(null, distribution, min, max, q);

    [Fact]
    public void A_valid_grid_spec_plans_every_combination_with_the_epochs_in_its_base_configuration()
    {
        var errors = SweepSpecValidator.Validate(Spec(new() { ["lr"] = Values(0.01, 0.001), ["batchSize"] = Values(16, 32) }), out var definition);

        Assert.Empty(errors);
        Assert.NotNull(definition);
        Assert.Equal(4, definition.TrialsPlanned);
        Assert.Equal(("fashion", 1), (definition.DatasetName, definition.DatasetVersion));
        Assert.Equal(4, definition.BaseConfig.GetProperty("epochs").GetInt32());
        Assert.True(definition.Maximize);
    }

    [Fact]
    public void Every_problem_is_named_at_once_unknown_path_empty_range_refused_value_and_bad_fields()
    {
        var spec = Spec(new()
        {
            ["loss.labelSmoothingg"] = Values(0.1),
            ["dropout"] = Range("uniform", 0.5, 0.5),
            ["lr"] = Values(0.001, -1.0),
            ["weightDecay"] = Values(),
            ["batchSize"] = Range("normal", 1, 2),
        }, method: "bayes") with { Objective = new SweepObjective(null, "best"), Parallelism = 0, Dataset = "Fashion!" };

        var errors = SweepSpecValidator.Validate(spec, out var definition);

        Assert.Null(definition);
        Assert.Contains("not a training configuration field", Assert.Single(errors["parameters.loss.labelSmoothingg"]));
        Assert.Contains("range is empty", Assert.Single(errors["parameters.dropout"]));
        Assert.StartsWith("-1 would be refused by the trainer: lr:", errors["parameters.lr"][0]);
        Assert.Contains("values is empty", Assert.Single(errors["parameters.weightDecay"]));
        Assert.Contains("not a distribution", Assert.Single(errors["parameters.batchSize"]));
        Assert.Contains("not a method", Assert.Single(errors["method"]));
        Assert.Contains("objective.metric", errors.Keys);
        Assert.Contains("objective.goal", errors.Keys);
        Assert.Contains("parallelism", errors.Keys);
        Assert.Contains("dataset", errors.Keys);
    }

    [Fact]
    public void A_grid_over_a_continuous_range_and_random_search_without_max_trials_are_refused()
    {
        var grid = SweepSpecValidator.Validate(Spec(new() { ["lr"] = Range("log_uniform", 1e-4, 1e-2) }), out _);
        var random = SweepSpecValidator.Validate(Spec(new() { ["lr"] = Range("log_uniform", 1e-4, 1e-2) }, method: "random"), out _);

        Assert.Contains("grid needs discrete parameters", Assert.Single(grid["parameters.lr"]));
        Assert.Contains("maxTrials is required", Assert.Single(random["maxTrials"]));
    }

    [Fact]
    public void Early_stopping_sets_every_trials_epochs_and_refuses_searching_them()
    {
        var ok = SweepSpecValidator.Validate(Spec(new() { ["lr"] = Values(0.01) }, early: new EarlyStoppingSpec("asha", 1, 2, 8, null)), out var definition);
        var clash = SweepSpecValidator.Validate(Spec(new() { ["epochs"] = Values(2, 3) }, early: new EarlyStoppingSpec("asha", 1, 2, 8, null)), out _);
        var invalid = SweepSpecValidator.Validate(Spec(new() { ["lr"] = Values(0.01) }, early: new EarlyStoppingSpec("hyperband", 0, 1, null, null)), out _);

        Assert.Empty(ok);
        Assert.Equal(8, definition!.BaseConfig.GetProperty("epochs").GetInt32());
        Assert.Equal([1, 2, 4], definition.EarlyStopping!.DecisionEpochs);
        Assert.Contains("parameters.epochs", clash.Keys);
        Assert.Contains("earlyStopping.kind", invalid.Keys);
        Assert.Contains("earlyStopping.gracePeriod", invalid.Keys);
    }

    [Fact]
    public void A_nested_path_in_a_section_that_is_off_by_default_is_created()
    {
        var errors = SweepSpecValidator.Validate(Spec(new() { ["mixup.alpha"] = Values(0.2, 0.4) }), out var definition);

        Assert.Empty(errors);
        var config = definition!.TrialConfig(new Dictionary<string, JsonElement> { ["mixup.alpha"] = JsonSerializer.SerializeToElement(0.4) });
        Assert.Equal(0.4, config.GetProperty("mixup").GetProperty("alpha").GetDouble());
    }
}
