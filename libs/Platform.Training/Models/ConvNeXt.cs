using System.Globalization;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Platform.Training.Configuration.Architectures;

namespace Platform.Training.Models;

/// <summary>
/// ConvNeXt backbones (Liu et al. 2022) laid out as timm names them: <c>stem</c> (4×4 stride-4 conv + channels-first
/// LayerNorm), four <c>stages</c> (from the second on, a <c>downsample</c> of channels-first LayerNorm + 2×2 stride-2
/// conv, then <see cref="ConvNeXtBlock"/>s), global average pooling and a final LayerNorm giving the feature vector.
/// Stochastic depth rises linearly from 0 to the configured rate over all blocks.
/// </summary>
internal static class ConvNeXt
{
    public static ImageClassifier Create(string name, ArchitectureCatalog.ConvNeXtSettings settings, ModelOptions options)
    {
        var (depths, dimensions) = (settings.Depths, settings.Dimensions);
        var rates = StochasticDepth.LinearRates(depths.Sum(), options.DropPath);
        var stages = new List<(string, nn.Module<Tensor, Tensor>)>();
        int block = 0;
        for (int stage = 0; stage < depths.Length; stage++)
        {
            var parts = new List<(string, nn.Module<Tensor, Tensor>)>();
            if (stage > 0)
            {
                parts.Add(("downsample", nn.Sequential(
                    ("0", new ChannelsFirstLayerNorm(dimensions[stage - 1], ConvNeXtBlock.LayerNormEpsilon)),
                    ("1", nn.Conv2d(dimensions[stage - 1], dimensions[stage], 2, stride: 2)))));
            }

            var blocks = Enumerable.Range(0, depths[stage])
                .Select(i => (Index(i), (nn.Module<Tensor, Tensor>)new ConvNeXtBlock(dimensions[stage], rates[block + i])));
            parts.Add(("blocks", nn.Sequential(blocks)));
            block += depths[stage];
            stages.Add((Index(stage), nn.Sequential(parts)));
        }

        var features = dimensions[^1];
        var backbone = nn.Sequential(
            ("stem", nn.Sequential(
                ("0", nn.Conv2d(options.InputChannels, dimensions[0], 4, stride: 4)),
                ("1", new ChannelsFirstLayerNorm(dimensions[0], ConvNeXtBlock.LayerNormEpsilon)))),
            ("stages", nn.Sequential(stages)),
            ("pool", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("norm", nn.LayerNorm(features, eps: ConvNeXtBlock.LayerNormEpsilon)));
        var model = new ImageClassifier(name, backbone, features, options.NumClasses, options.Dropout);
        InitializeWeights(model);
        return model;
    }

    /// <summary>timm's ConvNeXt init: truncated normal (std 0.02) for every conv and Linear weight, zero biases.</summary>
    private static void InitializeWeights(nn.Module model)
    {
        using var _ = no_grad();
        foreach (var (_, child) in model.named_modules())
        {
            (Tensor? weight, Tensor? bias) = child switch
            {
                Conv2d conv => (conv.weight, conv.bias),
                Linear linear => (linear.weight, linear.bias),
                _ => (null, null),
            };
            if (weight is not null)
            {
                WeightInit.TruncatedNormal(weight, 0.02);
            }

            if (bias is not null)
            {
                nn.init.zeros_(bias);
            }
        }
    }

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);
}
