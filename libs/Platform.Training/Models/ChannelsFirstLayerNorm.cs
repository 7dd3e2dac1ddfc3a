using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// LayerNorm over the channel axis of an [N, C, H, W] map (timm's <c>LayerNorm2d</c>, used by ConvNeXt's stem and
/// downsampling layers): each pixel's C values are normalised, then scaled by <c>weight</c> and shifted by <c>bias</c>.
/// forward: permute to [N, H, W, C], layer_norm over C, permute back.
/// </summary>
public sealed class ChannelsFirstLayerNorm : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Parameter weight;
    private readonly TorchSharp.Modules.Parameter bias;

    public ChannelsFirstLayerNorm(long channels, double eps) : base(nameof(ChannelsFirstLayerNorm))
    {
        Channels = channels;
        Eps = eps;
        weight = nn.Parameter(ones(channels));
        bias = nn.Parameter(zeros(channels));
        RegisterComponents();
    }

    public long Channels { get; }

    public double Eps { get; }

    public Tensor Weight => weight;

    public Tensor Bias => bias;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var normalised = nn.functional.layer_norm(x.permute(0, 2, 3, 1), [Channels], weight, bias, Eps);
        return normalised.permute(0, 3, 1, 2).MoveToOuterDisposeScope();
    }
}
