using TorchSharp.Modules;
using static TorchSharp.torch;
using Platform.Training.Configuration.Architectures;

namespace Platform.Training.Models;

/// <summary>
/// ResNet backbones (He et al. 2016) laid out as torchvision's: a stem, four stages <c>layer1</c>…<c>layer4</c>
/// of 64/128/256/512 base channels, global average pooling and flatten. Built as a named
/// <see cref="Sequential"/>, so state dict keys read <c>backbone.conv1.weight</c>,
/// <c>backbone.layer1.0.conv1.weight</c>, <c>backbone.layer2.0.downsample.0.weight</c>.
/// </summary>
internal static class ResNet
{
    public enum Stem
    {
        /// <summary>7×7 stride-2 conv then 3×3 stride-2 max pool: total stride 32, for ≥ 112 px inputs.</summary>
        ImageNet,

        /// <summary>3×3 stride-1 conv, no max pool: total stride 8, for 28–64 px inputs (CIFAR-style).</summary>
        SmallImage,
    }

    public static ImageClassifier Create(string name, int[] blocksPerStage, bool bottleneck, Stem stem, ModelOptions options)
    {
        var backbone = nn.Sequential(Layers(options.InputChannels, blocksPerStage, bottleneck, stem, out var featureDimension));
        WeightInit.ConvolutionsAndNorms(backbone);
        // The head keeps PyTorch's default Linear init (uniform ±1/sqrt(fan_in)), as torchvision's ResNet does.
        return new ImageClassifier(name, backbone, featureDimension, options.NumClasses, options.Dropout);
    }

    /// <summary>The backbone's named layers (stem, layer1…layer4, avgpool, flatten), freshly constructed and not yet
    /// initialised; <paramref name="featureDimension"/> is the width of the pooled output.</summary>
    public static List<(string, nn.Module<Tensor, Tensor>)> Layers(
        int inputChannels, int[] blocksPerStage, bool bottleneck, Stem stem, out int featureDimension)
    {
        var expansion = bottleneck ? Bottleneck.Expansion : BasicBlock.Expansion;
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        if (stem == Stem.ImageNet)
        {
            layers.Add(("conv1", nn.Conv2d(inputChannels, 64, 7, stride: 2, padding: 3, bias: false)));
            layers.Add(("bn1", nn.BatchNorm2d(64)));
            layers.Add(("relu", nn.ReLU(inplace: true)));
            layers.Add(("maxpool", nn.MaxPool2d(3, stride: 2, padding: 1)));
        }
        else
        {
            layers.Add(("conv1", nn.Conv2d(inputChannels, 64, 3, stride: 1, padding: 1, bias: false)));
            layers.Add(("bn1", nn.BatchNorm2d(64)));
            layers.Add(("relu", nn.ReLU(inplace: true)));
        }

        var inChannels = 64;
        int[] stageChannels = [64, 128, 256, 512];
        for (var stage = 0; stage < stageChannels.Length; stage++)
        {
            var channels = stageChannels[stage];
            var firstStride = stage == 0 ? 1 : 2;
            var blocks = new List<(string, nn.Module<Tensor, Tensor>)>();
            for (var i = 0; i < blocksPerStage[stage]; i++)
            {
                var stride = i == 0 ? firstStride : 1;
                var downsample = stride != 1 || inChannels != channels * expansion
                    ? nn.Sequential(
                        ("0", nn.Conv2d(inChannels, channels * expansion, 1, stride: stride, bias: false)),
                        ("1", nn.BatchNorm2d(channels * expansion)))
                    : null;
                nn.Module<Tensor, Tensor> block = bottleneck
                    ? new Bottleneck(inChannels, channels, stride, downsample)
                    : new BasicBlock(inChannels, channels, stride, downsample);
                blocks.Add((i.ToString(System.Globalization.CultureInfo.InvariantCulture), block));
                inChannels = channels * expansion;
            }

            layers.Add(($"layer{stage + 1}", nn.Sequential(blocks)));
        }

        layers.Add(("avgpool", nn.AdaptiveAvgPool2d(1)));
        layers.Add(("flatten", nn.Flatten()));
        featureDimension = inChannels;
        return layers;
    }
}
