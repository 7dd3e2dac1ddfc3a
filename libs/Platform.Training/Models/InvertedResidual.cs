using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// MobileNet inverted residual (Sandler et al. 2018; Howard et al. 2019 adds SE and hardswish). <c>block</c> is a
/// Sequential: optional 1×1 expand conv-BN-act, k×k depthwise conv-BN-act, optional <see cref="SqueezeExcitation"/>,
/// 1×1 linear projection conv-BN. forward: block(x) + x when stride is 1 and channels are unchanged, else block(x).
/// </summary>
public sealed class InvertedResidual : nn.Module<Tensor, Tensor>
{
    private readonly Sequential block;
    private readonly bool useResidual;

    public InvertedResidual(Sequential block, bool useResidual) : base(nameof(InvertedResidual))
    {
        this.block = block;
        this.useResidual = useResidual;
        RegisterComponents();
    }

    public bool UsesResidual => useResidual;

    public override Tensor forward(Tensor x)
    {
        if (!useResidual)
        {
            return block.call(x);
        }

        using var scope = NewDisposeScope();
        return block.call(x).PlusInPlace(x).MoveToOuterDisposeScope();
    }
}
