using System.Text.Json;
using Platform.Training.Configuration;

namespace Platform.Training.Tests;

public sealed class ConfigurationTests
{
    [Fact]
    public void DefaultConfigurationIsValid() => Assert.Empty(new TrainingConfig().Validate());

    [Fact]
    public void JsonUsesCamelCaseAndEnumNamesAndRoundTrips()
    {
        var config = new TrainingConfig
        {
            Architecture = "small_cnn",
            ImageSize = 28,
            InputChannels = 1,
            FineTune = new FineTuneOptions(FineTuneMode.FeatureExtraction),
            Optimizer = new OptimizerOptions(OptimizerKind.AdamW),
            Precision = NumericPrecision.Bf16,
            Loss = new LossOptions(LossKind.Focal, Gamma: 1.5, ClassAlpha: [0.5, 2]),
            EarlyStopping = new EarlyStoppingOptions(MonitoredMetric.ValAccuracy, 3),
        };

        string json = config.ToJson();
        var back = TrainingConfig.FromJson(json);

        Assert.Contains("\"fineTune\"", json);
        Assert.Contains("\"featureExtraction\"", json);
        Assert.Contains("\"adamw\"", json);
        Assert.Contains("\"bf16\"", json);
        Assert.Contains("\"valAccuracy\"", json);
        Assert.Equal(config.ToJson(), back.ToJson());
    }

    [Fact]
    public void MissingFieldsTakeDefaults()
    {
        var config = TrainingConfig.FromJson("""{ "architecture": "small_cnn", "schedule": { "kind": "step" } }""");

        Assert.Equal("small_cnn", config.Architecture);
        Assert.Equal(ScheduleKind.Step, config.Schedule.Kind);
        Assert.Equal(new ScheduleOptions().Gamma, config.Schedule.Gamma);
        Assert.Equal(new TrainingConfig().Lr, config.Lr);
    }

    [Fact]
    public void UnknownFieldIsRejected() =>
        Assert.Throws<JsonException>(() => TrainingConfig.FromJson("""{ "learningRate": 0.1 }"""));

    [Fact]
    public void ValidateReportsEveryViolationWithItsField()
    {
        var config = new TrainingConfig
        {
            Architecture = "resnet9000",
            Lr = -1,
            Epochs = 0,
            BatchSize = 100_000,
            Dropout = 1,
            Loss = new LossOptions(LabelSmoothing: 1.5),
            Optimizer = new OptimizerOptions(OptimizerKind.Sgd, Momentum: 0, Nesterov: true),
            Checkpoint = new CheckpointOptions(KeepLast: 0),
        };

        var fields = config.Validate().Select(v => v.Field).ToHashSet();

        Assert.Superset(
            new HashSet<string> { "architecture", "lr", "epochs", "batchSize", "dropout", "loss.labelSmoothing", "optimizer.nesterov", "checkpoint.keepLast" },
            fields);
    }

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(50, true)]
    [InlineData(1_000_001, false)]
    public void CheckpointEveryStepsIsZeroOrAPositiveStepCount(int everySteps, bool valid)
    {
        var config = TrainingConfig.FromJson($$"""{ "checkpoint": { "everySteps": {{everySteps}} } }""");

        var violations = config.Validate();

        Assert.Equal(everySteps, config.Checkpoint.EverySteps);
        Assert.Equal(everySteps > 0 ? everySteps : null, config.Checkpoint.MidEpochInterval);
        if (valid)
        {
            Assert.Empty(violations);
        }
        else
        {
            Assert.Equal("checkpoint.everySteps", Assert.Single(violations).Field);
        }
    }

    [Fact]
    public void UnknownArchitectureMessageListsTheRegisteredNames()
    {
        var violation = Assert.Single(new TrainingConfig { Architecture = "resnet9000" }.Validate());

        Assert.Equal("architecture", violation.Field);
        Assert.Contains("small_cnn", violation.Message);
    }

    [Fact]
    public void PretrainedIsRejectedForArchitecturesWithoutWeights()
    {
        var violation = Assert.Single(new TrainingConfig { Architecture = "vgg11_bn", Pretrained = true }.Validate());

        Assert.Equal("pretrained", violation.Field);
        Assert.Contains("no pretrained weights are available for 'vgg11_bn'", violation.Message);
    }

    [Fact]
    public void PretrainedIsAcceptedWhereTheRegistryHasWeights()
    {
        var name = Assert.Single(PretrainedWeights.Architectures);

        Assert.True(PretrainedWeights.Available(name));
        Assert.Empty(new TrainingConfig { Architecture = name, Pretrained = true }.Validate());
    }

    [Fact]
    public void StagedFineTuningMustUnfreezeBeforeTheLastEpoch()
    {
        var config = new TrainingConfig { Epochs = 3, FineTune = new FineTuneOptions(FineTuneMode.Staged, HeadEpochs: 3) };

        Assert.Contains(config.Validate(), v => v.Field == "fineTune.headEpochs");
    }

    [Fact]
    public void ArchitectureConstraintsFromTheRegistryAreReported()
    {
        var config = new TrainingConfig { Architecture = "vit_tiny", ImageSize = 30, PatchSize = 16 };

        Assert.Contains(config.Validate(), v => v.Field == "architecture" && v.Message.Contains("PatchSize"));
    }

    [Fact]
    public void NullSectionIsAViolationNotACrash()
    {
        var config = TrainingConfig.FromJson("""{ "optimizer": null }""");

        Assert.Contains(config.Validate(), v => v.Field == "optimizer");
    }

    [Fact]
    public void EnsureValidThrowsWithAllViolations()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TrainingConfig { Lr = 0, Epochs = -1 }.EnsureValid());

        Assert.Contains("lr", ex.Message);
        Assert.Contains("epochs", ex.Message);
    }
}
