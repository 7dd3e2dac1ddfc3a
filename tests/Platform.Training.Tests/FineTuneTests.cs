using Platform.Training.Configuration;
using Platform.Training.FineTuning;
using Platform.Training.Losses;
using Platform.Training.Models;
using Platform.Training.Optimization;
using Platform.Training.Precision;
using static TorchSharp.torch;

namespace Platform.Training.Tests;

public sealed class FineTuneTests
{
    private static void TrainOneStep(ImageClassifier model, FineTuneStrategy strategy, ParameterGroupOptimizer optimizer, int epoch)
    {
        using var scope = NewDisposeScope();
        strategy.ApplyTo(model, epoch);
        strategy.SetTrainingMode(model, epoch);
        var (images, labels) = TestModels.SeparableBatch();
        using var loss = new CrossEntropyLoss();
        using var stepper = new TrainingStepper(model, NumericPrecision.Fp32);
        stepper.Step(images, labels, loss, optimizer, clipNorm: null);
    }

    private static ParameterGroupOptimizer OptimizerFor(ImageClassifier model, FineTuneStrategy strategy, double lr = 0.05) =>
        ParameterGroupOptimizer.Create(new OptimizerOptions(OptimizerKind.Sgd, Momentum: 0.9), lr, 0, strategy.ParameterGroups(model));

    [Fact]
    public void FullFineTuningChangesBackboneAndHead()
    {
        using var model = TestModels.Tiny();
        var strategy = new FineTuneStrategy(new FineTuneOptions(FineTuneMode.Full));
        using var optimizer = OptimizerFor(model, strategy);
        var backboneBefore = TestModels.Flatten(model.Backbone);
        var headBefore = TestModels.Flatten(model.Head);

        TrainOneStep(model, strategy, optimizer, epoch: 0);

        Assert.NotEqual(backboneBefore, TestModels.Flatten(model.Backbone));
        Assert.NotEqual(headBefore, TestModels.Flatten(model.Head));
    }

    [Fact]
    public void FeatureExtractionLeavesTheBackboneUnchangedAndTrainsTheHead()
    {
        using var model = TestModels.Tiny();
        var strategy = new FineTuneStrategy(new FineTuneOptions(FineTuneMode.FeatureExtraction));
        using var optimizer = OptimizerFor(model, strategy);
        var backboneBefore = TestModels.Flatten(model.Backbone);
        var headBefore = TestModels.Flatten(model.Head);

        TrainOneStep(model, strategy, optimizer, epoch: 0);

        Assert.Equal(backboneBefore, TestModels.Flatten(model.Backbone));
        Assert.NotEqual(headBefore, TestModels.Flatten(model.Head));
        Assert.All(model.Backbone.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void FeatureExtractionGivesTheOptimizerOnlyHeadParameters()
    {
        using var model = TestModels.Tiny();
        var strategy = new FineTuneStrategy(new FineTuneOptions(FineTuneMode.FeatureExtraction));
        using var optimizer = OptimizerFor(model, strategy);

        var optimized = optimizer.Parameters.Select(p => p.Handle).ToHashSet();

        Assert.Equal(model.Head.parameters().Select(p => p.Handle).ToHashSet(), optimized);
    }

    [Fact]
    public void FrozenBackboneKeepsItsBatchNormStatistics()
    {
        using var model = TestModels.Tiny();
        var strategy = new FineTuneStrategy(new FineTuneOptions(FineTuneMode.FeatureExtraction));
        using var optimizer = OptimizerFor(model, strategy);
        var runningMean = model.Backbone.named_buffers().Single(b => b.name.EndsWith("running_mean")).buffer;
        var before = runningMean.data<float>().ToArray();

        TrainOneStep(model, strategy, optimizer, epoch: 0);

        Assert.False(model.Backbone.training);
        Assert.True(model.Head.training);
        Assert.Equal(before, runningMean.data<float>().ToArray());
    }

    [Fact]
    public void StagedFineTuningFreezesTheBackboneThenTrainsItAtTheReducedRate()
    {
        using var model = TestModels.Tiny();
        var strategy = new FineTuneStrategy(new FineTuneOptions(FineTuneMode.Staged, HeadEpochs: 1, BackboneLrFactor: 0.1));
        using var optimizer = OptimizerFor(model, strategy, lr: 0.05);
        var backboneBefore = TestModels.Flatten(model.Backbone);

        TrainOneStep(model, strategy, optimizer, epoch: 0);
        var afterHeadEpoch = TestModels.Flatten(model.Backbone);
        TrainOneStep(model, strategy, optimizer, epoch: 1);

        Assert.Equal(backboneBefore, afterHeadEpoch);
        Assert.NotEqual(afterHeadEpoch, TestModels.Flatten(model.Backbone));
        Assert.Equal(0.005, optimizer.LearningRates[FineTuneStrategy.BackboneGroup], 12);
        Assert.Equal(0.05, optimizer.LearningRates[FineTuneStrategy.HeadGroup], 12);
    }

    [Fact]
    public void SettingTheScheduledRateScalesEveryGroupByItsFactor()
    {
        using var model = TestModels.Tiny();
        var strategy = new FineTuneStrategy(new FineTuneOptions(FineTuneMode.Staged, BackboneLrFactor: 0.25));
        using var optimizer = OptimizerFor(model, strategy);

        optimizer.SetLearningRate(0.02);

        Assert.Equal(0.005, optimizer.LearningRates[FineTuneStrategy.BackboneGroup], 12);
        Assert.Equal(0.02, optimizer.LearningRates[FineTuneStrategy.HeadGroup], 12);
    }

    [Fact]
    public void AdamWGroupsTrainWithTheirOwnRates()
    {
        using var model = TestModels.Tiny();
        var strategy = new FineTuneStrategy(new FineTuneOptions(FineTuneMode.Full));
        using var optimizer = ParameterGroupOptimizer.Create(new OptimizerOptions(), 0.01, 0.01, strategy.ParameterGroups(model));
        var before = TestModels.Flatten(model);

        TrainOneStep(model, strategy, optimizer, epoch: 0);

        Assert.NotEqual(before, TestModels.Flatten(model));
        Assert.Equal(2, optimizer.Groups.Count);
    }
}
