using Platform.Training.Configuration;
using Platform.Training.Configuration.Architectures;
using Platform.Training.FineTuning;
using Platform.Training.Models;
using Platform.Training.Optimization;
using static TorchSharp.torch;

namespace Platform.Training.Tests;

public sealed class ParameterGroupingTests
{
    [Fact]
    public void NormsBiasesAndBiasTablesAreNotDecayed_OtherWeightsAre()
    {
        using var scope = NewDisposeScope();
        using var model = ModelRegistry.Create("swin_atto", new ModelOptions(NumClasses: 3, ImageSize: 32));
        var groups = ParameterGrouping.Refine(new FineTuneStrategy(new FineTuneOptions()).ParameterGroups(model), model, exemptNormsBiasesAndEmbeddings: true, layerDecay: null);
        using var optimizer = ParameterGroupOptimizer.Create(new OptimizerOptions(), lr: 0.1, weightDecay: 0.5, groups);
        var before = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        foreach (var parameter in model.parameters())
        {
            parameter.grad = zeros_like(parameter);
        }

        // With zero gradients, AdamW's update is its decoupled decay alone: w ← w·(1 − lr·wd) = 0.95·w.
        optimizer.Step();

        foreach (var (name, parameter) in model.named_parameters())
        {
            bool exempt = parameter.dim() <= 1 || name.EndsWith("relative_position_bias_table", StringComparison.Ordinal);
            var expected = exempt ? before[name] : before[name] * 0.95;
            Assert.True(parameter.detach().allclose(expected, rtol: 1e-5, atol: 1e-7), name);
        }

        Assert.Contains(groups, g => g.Name == "head" && g.DecaysWeights);
        Assert.Contains(groups, g => g.Name == "head.no_decay" && !g.DecaysWeights);
    }

    [Fact]
    public void LayerDecayScalesEachBlocksRateByItsDepth()
    {
        using var model = ModelRegistry.Create("vit_tiny", new ModelOptions(NumClasses: 3, ImageSize: 28, PatchSize: 7));
        const double d = 0.8;

        var groups = ParameterGrouping.Refine(new FineTuneStrategy(new FineTuneOptions()).ParameterGroups(model), model, exemptNormsBiasesAndEmbeddings: false, layerDecay: d);

        var names = model.named_parameters().ToDictionary(p => p.parameter.Handle, p => p.name);
        double FactorOf(string name) => groups.Single(g => g.Parameters.Any(p => names[p.Handle] == name)).LrFactor;
        // 12 blocks: the patch embedding is layer 0 (d^13), block j is layer j + 1, the final norm and head layer 13 (d^0).
        Assert.Equal(Math.Pow(d, 13), FactorOf("backbone.patch_embed.weight"), 12);
        Assert.Equal(Math.Pow(d, 13), FactorOf("backbone.pos_embed"), 12);
        Assert.Equal(Math.Pow(d, 12), FactorOf("backbone.blocks.0.attn.qkv.weight"), 12);
        Assert.Equal(d, FactorOf("backbone.blocks.11.mlp.fc2.weight"), 12);
        Assert.Equal(1.0, FactorOf("backbone.norm.weight"), 12);
        Assert.Equal(1.0, FactorOf("head.fc.weight"), 12);
    }

    [Fact]
    public void Config_RefusesLayerDecayForArchitecturesWithoutBlocks()
    {
        Assert.Contains(new TrainingConfig { Architecture = "resnet18", LayerDecay = 0.75 }.Validate(), v => v.Field == "layerDecay");
        Assert.Empty(new TrainingConfig { Architecture = "convnext_tiny", LayerDecay = 0.75, NoWeightDecayOnNormsAndBiases = true }.Validate());
    }
}
