using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// Squeeze-and-excitation (Hu et al. 2018) as used in MobileNetV3: global average pool, 1×1 conv down to
/// <c>squeezeChannels</c>, ReLU, 1×1 conv back up, hard-sigmoid gate. forward: x · gate(x), per channel.
/// </summary>
public sealed class SqueezeExcitation : nn.Module<Tensor, Tensor>
{
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Conv2d fc1;
    private readonly ReLU activation;
    private readonly Conv2d fc2;
    private readonly Hardsigmoid scale_activation;

    public SqueezeExcitation(int channels, int squeezeChannels) : base(nameof(SqueezeExcitation))
    {
        avgpool = nn.AdaptiveAvgPool2d(1);
        fc1 = nn.Conv2d(channels, squeezeChannels, 1);
        activation = nn.ReLU();
        fc2 = nn.Conv2d(squeezeChannels, channels, 1);
        scale_activation = nn.Hardsigmoid();
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var gate = scale_activation.call(fc2.call(activation.call(fc1.call(avgpool.call(x)))));
        return (x * gate).MoveToOuterDisposeScope();
    }
}
