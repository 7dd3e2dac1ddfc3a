using System.Text.Json.Nodes;
using Platform.Cli.Configuration;
using Platform.Testing;
using Platform.Training.Configuration;

namespace Platform.Cli.Tests;

public sealed class RunConfigurationTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("platform-cli-config-").FullName;

    public static TheoryData<string> Examples() =>
        new(Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "examples"), "*.yaml").Select(Path.GetFileName).Order()!);

    [Fact]
    public void Yaml_plain_scalars_are_typed_and_quoted_ones_stay_strings()
    {
        var path = Write("config.yaml", """
            architecture: small_cnn
            imageSize: 28
            inputChannels: 1
            lr: 3e-4
            pretrained: false
            gradientClipNorm: ~
            augmentation:
              preset: "none"
              mean: [0.5]
              std: [0.25]
            """);

        var (written, effective) = RunConfiguration.Load(path, []);

        Assert.Equal(28, effective.ImageSize);
        Assert.Equal(3e-4, effective.Lr);
        Assert.False(effective.Pretrained);
        Assert.Null(effective.GradientClipNorm);
        Assert.Equal(AugmentationPreset.None, effective.Augmentation.Preset);
        Assert.Equal([0.5f], effective.Augmentation.Mean!);
        Assert.Equal("none", written["augmentation"]!["preset"]!.GetValue<string>());
    }

    [Fact]
    public void A_quoted_boolean_is_a_string_and_is_refused_with_its_field()
    {
        var path = Write("config.yaml", "pretrained: 'true'\n");

        var failure = Assert.Throws<CliException>(() => RunConfiguration.Load(path, []));

        Assert.Equal(ExitCodes.InvalidInput, failure.ExitCode);
        Assert.StartsWith("pretrained:", Assert.Single(failure.Details));
    }

    [Fact]
    public void Set_overrides_nested_fields_replacing_whatever_case_the_file_used()
    {
        var path = Write("config.json", """{ "architecture": "small_cnn", "imageSize": 28, "inputChannels": 1, "Optimizer": { "Kind": "adamw" }, "lr": 0.01 }""");

        var (written, effective) = RunConfiguration.Load(path, ["optimizer.kind=sgd", "optimizer.momentum=0.8", "lr=0.05", "loss.kind=focal", "loss.gamma=1.5"]);

        Assert.Equal(OptimizerKind.Sgd, effective.Optimizer.Kind);
        Assert.Equal(0.8, effective.Optimizer.Momentum);
        Assert.Equal(0.05, effective.Lr);
        Assert.Equal(LossKind.Focal, effective.Loss.Kind);
        Assert.Equal(1.5, effective.Loss.Gamma);
        Assert.Single((JsonObject)written["Optimizer"]!, p => p.Key.Equals("kind", StringComparison.OrdinalIgnoreCase));
        Assert.Null(written["optimizer"]);
    }

    [Fact]
    public void Set_without_an_equals_sign_or_into_a_value_is_refused()
    {
        Assert.Equal(ExitCodes.InvalidInput, Assert.Throws<CliException>(() => RunConfiguration.Load(null, ["lr"])).ExitCode);
        var failure = Assert.Throws<CliException>(() => RunConfiguration.Load(null, ["lr=0.1", "lr.inner=2"]));
        Assert.Contains("'lr' is a value", failure.Message);
    }

    [Fact]
    public void Every_violation_is_reported_at_once()
    {
        var failure = Assert.Throws<CliException>(() => RunConfiguration.Load(null, ["lr=-1", "epochs=0", "batchSize=0"]));

        Assert.Contains(failure.Details, d => d.StartsWith("lr:", StringComparison.Ordinal));
        Assert.Contains(failure.Details, d => d.StartsWith("epochs:", StringComparison.Ordinal));
        Assert.Contains(failure.Details, d => d.StartsWith("batchSize:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_or_malformed_file_is_named_in_the_error()
    {
        var missing = Assert.Throws<CliException>(() => RunConfiguration.Load(Path.Combine(folder, "nope.yaml"), []));
        var broken = Assert.Throws<CliException>(() => RunConfiguration.Load(Write("broken.yaml", "epochs: [1, 2\nlr: 3\n"), []));
        var notAnObject = Assert.Throws<CliException>(() => RunConfiguration.Load(Write("list.json", "[1, 2]"), []));

        Assert.Contains("does not exist", missing.Message);
        Assert.Contains("not valid YAML", broken.Message);
        Assert.Contains("must hold one object", notAnObject.Message);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_configuration_is_valid(string example)
    {
        var (_, effective) = RunConfiguration.Load(Path.Combine(RepositoryPaths.Root, "examples", example), []);

        Assert.Empty(effective.Validate());
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
