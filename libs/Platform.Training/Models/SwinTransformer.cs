using System.Globalization;
using static TorchSharp.torch;
using Platform.Training.Configuration.Architectures;

namespace Platform.Training.Models;

/// <summary>
/// Swin Transformer backbones (Liu et al. 2021) laid out as timm names them: <c>patch_embed</c> (p×p stride-p conv),
/// <c>to_channels_last</c>, <c>patch_norm</c>, four <c>layers</c> (from the second on, a <see cref="PatchMerging"/>
/// <c>downsample</c>, then <see cref="SwinTransformerBlock"/>s alternating regular and shifted windows), a final
/// LayerNorm <c>norm</c> and average pooling over the token map. The blocks are built for one input side (their
/// masks and window counts depend on it), so inputs must be exactly <see cref="ModelOptions.ImageSize"/> square.
/// </summary>
internal static class SwinTransformer
{
    public static ImageClassifier Create(string name, ArchitectureCatalog.SwinSettings settings, ModelOptions options)
    {
        var rates = StochasticDepth.LinearRates(settings.Depths.Sum(), options.DropPath);
        int resolution = options.ImageSize / settings.PatchSize, dimension = settings.EmbedDimension, block = 0;
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int stage = 0; stage < settings.Depths.Length; stage++)
        {
            var parts = new List<(string, nn.Module<Tensor, Tensor>)>();
            if (stage > 0)
            {
                parts.Add(("downsample", new PatchMerging(dimension)));
                dimension *= 2;
                resolution /= 2;
            }

            var blocks = Enumerable.Range(0, settings.Depths[stage]).Select(i => (Index(i), (nn.Module<Tensor, Tensor>)
                new SwinTransformerBlock(dimension, settings.Heads[stage], resolution, settings.Window, shifted: i % 2 == 1, rates[block + i])));
            parts.Add(("blocks", nn.Sequential(blocks)));
            block += settings.Depths[stage];
            layers.Add((Index(stage), nn.Sequential(parts)));
        }

        var backbone = nn.Sequential(
            ("patch_embed", nn.Conv2d(options.InputChannels, settings.EmbedDimension, settings.PatchSize, stride: settings.PatchSize)),
            ("to_channels_last", new Permute(0, 2, 3, 1)),
            ("patch_norm", nn.LayerNorm(settings.EmbedDimension)),
            ("layers", nn.Sequential(layers)),
            ("norm", nn.LayerNorm(dimension)),
            ("pool", new ChannelsLastAveragePool()));
        var model = new ImageClassifier(name, backbone, dimension, options.NumClasses, options.Dropout);
        WeightInit.TransformerLinearsAndNorms(model, std: 0.02);
        using (no_grad())
        {
            foreach (var attention in model.modules().OfType<WindowAttention>())
            {
                WeightInit.TruncatedNormal(attention.BiasTable, 0.02);
            }
        }

        return model;
    }

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);
}
