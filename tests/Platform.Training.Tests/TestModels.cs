using Platform.Training.Configuration;
using Platform.Training.Models;
using static TorchSharp.torch;

namespace Platform.Training.Tests;

/// <summary>Tiny deterministic models and data for fast engine tests.</summary>
internal static class TestModels
{
    /// <summary>conv(3×3) → batch norm → ReLU → global average pool: a backbone with BN buffers, then the head.</summary>
    public static ImageClassifier Tiny(int classes = 3, int channels = 1, long seed = 1)
    {
        random.manual_seed(seed);
        var backbone = nn.Sequential(
            ("conv", nn.Conv2d(channels, 8, 3, padding: 1)),
            ("bn", nn.BatchNorm2d(8)),
            ("relu", nn.ReLU()),
            ("pool", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()));
        return new ImageClassifier("tiny", backbone, 8, classes, dropout: 0);
    }

    /// <summary>A learnable batch: class c images have mean brightness c, so a tiny model can separate them.</summary>
    public static (Tensor Images, Tensor Labels) SeparableBatch(int count = 24, int classes = 3, int side = 8, long seed = 7)
    {
        var generator = new Generator((ulong)seed);
        var labels = arange(count, dtype: ScalarType.Int64) % classes;
        var images = randn(new long[] { count, 1, side, side }, generator: generator) * 0.3f
                     + labels.to_type(ScalarType.Float32).view(count, 1, 1, 1);
        return (images, labels);
    }

    /// <summary>Flatten → Linear → GELU: no batch norm and no dropout, so a global batch's step is the same on any replica count.</summary>
    public static ImageClassifier Mlp(TrainingConfig config, int classes)
    {
        random.manual_seed(config.Seed);
        var side = config.ImageSize;
        var backbone = nn.Sequential(("flatten", nn.Flatten()), ("fc", nn.Linear(side * side, 16)), ("act", nn.GELU()));
        return new ImageClassifier("mlp", backbone, 16, classes, dropout: 0);
    }

    public static float[] Flatten(nn.Module module) =>
        module.parameters().SelectMany(p => p.detach().to_type(ScalarType.Float32).data<float>().ToArray()).ToArray();
}
