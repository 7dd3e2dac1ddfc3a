using System.Globalization;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Platform.Training.Configuration.Architectures;

namespace Platform.Training.Models;

/// <summary>
/// MobileNetV2 and V3 backbones with torchvision's layer tables (width multiplier 1.0). The backbone ends in the
/// pooled feature vector: 1280-d for V2; for V3 it includes the pre-logits Linear + hardswish (1024-d small,
/// 1280-d large), so the head is exactly Dropout + Linear as for every other architecture.
/// </summary>
internal static class MobileNet
{
    private enum Activation { ReLU, ReLU6, Hardswish }

    // (expansion t, output channels c, repeats n, first stride s) from Sandler et al. 2018, Table 2.
    private static readonly (int T, int C, int N, int S)[] V2Stages =
    [
        (1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1),
    ];

    // (kernel, expanded channels, output channels, squeeze-excite, hardswish, stride) from Howard et al. 2019,
    // Tables 1 and 2, as torchvision lists them.
    private static readonly (int K, int Exp, int Out, bool Se, bool Hs, int S)[] V3Large =
    [
        (3, 16, 16, false, false, 1), (3, 64, 24, false, false, 2), (3, 72, 24, false, false, 1),
        (5, 72, 40, true, false, 2), (5, 120, 40, true, false, 1), (5, 120, 40, true, false, 1),
        (3, 240, 80, false, true, 2), (3, 200, 80, false, true, 1), (3, 184, 80, false, true, 1),
        (3, 184, 80, false, true, 1), (3, 480, 112, true, true, 1), (3, 672, 112, true, true, 1),
        (5, 672, 160, true, true, 2), (5, 960, 160, true, true, 1), (5, 960, 160, true, true, 1),
    ];

    private static readonly (int K, int Exp, int Out, bool Se, bool Hs, int S)[] V3Small =
    [
        (3, 16, 16, true, false, 2), (3, 72, 24, false, false, 2), (3, 88, 24, false, false, 1),
        (5, 96, 40, true, true, 2), (5, 240, 40, true, true, 1), (5, 240, 40, true, true, 1),
        (5, 120, 48, true, true, 1), (5, 144, 48, true, true, 1), (5, 288, 96, true, true, 2),
        (5, 576, 96, true, true, 1), (5, 576, 96, true, true, 1),
    ];

    public static ImageClassifier CreateV2(string name, ModelOptions options)
    {
        const double eps = 1e-5, momentum = 0.1;
        var features = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("0", ConvNormActivation(options.InputChannels, 32, 3, 2, 1, Activation.ReLU6, eps, momentum)),
        };
        var inChannels = 32;
        foreach (var (t, c, n, s) in V2Stages)
        {
            for (var i = 0; i < n; i++)
            {
                var stride = i == 0 ? s : 1;
                var block = InvertedResidualBlock(inChannels, inChannels * t, c, 3, stride, useSe: false, Activation.ReLU6, eps, momentum);
                features.Add((Index(features.Count), block));
                inChannels = c;
            }
        }

        const int lastChannels = 1280;
        features.Add((Index(features.Count), ConvNormActivation(inChannels, lastChannels, 1, 1, 1, Activation.ReLU6, eps, momentum)));
        var backbone = nn.Sequential(
            ("features", nn.Sequential(features)),
            ("avgpool", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()));
        return Finish(name, backbone, lastChannels, options);
    }

    public static ImageClassifier CreateV3(string name, bool large, ModelOptions options)
    {
        // torchvision's V3 uses BatchNorm eps 0.001 and momentum 0.01 (the TF reference values).
        const double eps = 1e-3, momentum = 0.01;
        var table = large ? V3Large : V3Small;
        var features = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("0", ConvNormActivation(options.InputChannels, 16, 3, 2, 1, Activation.Hardswish, eps, momentum)),
        };
        var inChannels = 16;
        foreach (var (k, exp, output, se, hs, s) in table)
        {
            var activation = hs ? Activation.Hardswish : Activation.ReLU;
            features.Add((Index(features.Count), InvertedResidualBlock(inChannels, exp, output, k, s, se, activation, eps, momentum)));
            inChannels = output;
        }

        var lastConvChannels = 6 * inChannels;
        features.Add((Index(features.Count), ConvNormActivation(inChannels, lastConvChannels, 1, 1, 1, Activation.Hardswish, eps, momentum)));
        var preLogitsChannels = large ? 1280 : 1024;
        var backbone = nn.Sequential(
            ("features", nn.Sequential(features)),
            ("avgpool", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("pre_logits", nn.Linear(lastConvChannels, preLogitsChannels)),
            ("pre_logits_act", nn.Hardswish()));
        return Finish(name, backbone, preLogitsChannels, options);
    }

    private static ImageClassifier Finish(string name, Sequential backbone, int featureDimension, ModelOptions options)
    {
        var model = new ImageClassifier(name, backbone, featureDimension, options.NumClasses, options.Dropout);
        WeightInit.ConvolutionsAndNorms(model);
        WeightInit.LinearNormal(model, std: 0.01);
        return model;
    }

    private static InvertedResidual InvertedResidualBlock(
        int inChannels, int expandedChannels, int outChannels, int kernel, int stride, bool useSe, Activation activation, double eps, double momentum)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        if (expandedChannels != inChannels)
        {
            layers.Add((Index(layers.Count), ConvNormActivation(inChannels, expandedChannels, 1, 1, 1, activation, eps, momentum)));
        }

        layers.Add((Index(layers.Count), ConvNormActivation(expandedChannels, expandedChannels, kernel, stride, expandedChannels, activation, eps, momentum)));
        if (useSe)
        {
            layers.Add((Index(layers.Count), new SqueezeExcitation(expandedChannels, MakeDivisible(expandedChannels / 4))));
        }

        layers.Add((Index(layers.Count), ConvNormActivation(expandedChannels, outChannels, 1, 1, 1, activation: null, eps, momentum)));
        return new InvertedResidual(nn.Sequential(layers), useResidual: stride == 1 && inChannels == outChannels);
    }

    /// <summary>torchvision's Conv2dNormActivation: Sequential("0" conv without bias, "1" BN, "2" activation).</summary>
    private static Sequential ConvNormActivation(
        int inChannels, int outChannels, int kernel, int stride, int groups, Activation? activation, double eps, double momentum)
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("0", nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: (kernel - 1) / 2, groups: groups, bias: false)),
            ("1", nn.BatchNorm2d(outChannels, eps: eps, momentum: momentum)),
        };
        if (activation is { } act)
        {
            layers.Add(("2", act switch
            {
                Activation.ReLU => nn.ReLU(inplace: true),
                Activation.ReLU6 => nn.ReLU6(inplace: true),
                _ => nn.Hardswish(),
            }));
        }

        return nn.Sequential(layers);
    }

    /// <summary>Round channels to a multiple of 8 without losing more than 10% (the MobileNet reference rule).</summary>
    internal static int MakeDivisible(int value, int divisor = 8)
    {
        var rounded = Math.Max(divisor, (value + divisor / 2) / divisor * divisor);
        return rounded < 0.9 * value ? rounded + divisor : rounded;
    }

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);
}
