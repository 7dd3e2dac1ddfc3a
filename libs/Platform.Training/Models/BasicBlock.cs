using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// ResNet-18/34 block (He et al. 2016): two 3×3 conv-BN pairs and an identity (or 1×1 conv-BN
/// <c>downsample</c>) shortcut. forward: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)).
/// Child names match torchvision so PyTorch state dicts map key for key.
/// </summary>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    public const int Expansion = 1;

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly ReLU relu;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Sequential? downsample;

    public BasicBlock(int inChannels, int channels, int stride, Sequential? downsample) : base(nameof(BasicBlock))
    {
        conv1 = nn.Conv2d(inChannels, channels, 3, stride: stride, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(channels);
        relu = nn.ReLU(inplace: true);
        conv2 = nn.Conv2d(channels, channels, 3, stride: 1, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(channels);
        this.downsample = downsample;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var shortcut = downsample is null ? x : downsample.call(x);
        var y = relu.call(bn1.call(conv1.call(x)));
        y = bn2.call(conv2.call(y));
        return relu.call(y.PlusInPlace(shortcut)).MoveToOuterDisposeScope();
    }
}
