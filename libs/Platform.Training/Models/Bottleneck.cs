using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// ResNet-50+ block, torchvision's "v1.5" layout (stride on the 3×3 conv): 1×1 reduce, 3×3, 1×1 expand to
/// 4× channels, each followed by BN; ReLU after the sum with the shortcut.
/// </summary>
public sealed class Bottleneck : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 4;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly ReLU relu;
    private readonly Sequential? downsample;

    public Bottleneck(int inChannels, int channels, int stride, Sequential? downsample) : base(nameof(Bottleneck))
    {
        conv1 = nn.Conv2d(inChannels, channels, 1, bias: false);
        bn1 = nn.BatchNorm2d(channels);
        conv2 = nn.Conv2d(channels, channels, 3, stride: stride, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(channels);
        conv3 = nn.Conv2d(channels, channels * Expansion, 1, bias: false);
        bn3 = nn.BatchNorm2d(channels * Expansion);
        relu = nn.ReLU(inplace: true);
        this.downsample = downsample;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var shortcut = downsample is null ? x : downsample.call(x);
        var y = relu.call(bn1.call(conv1.call(x)));
        y = relu.call(bn2.call(conv2.call(y)));
        y = bn3.call(conv3.call(y));
        return relu.call(y.PlusInPlace(shortcut)).MoveToOuterDisposeScope();
    }
}
