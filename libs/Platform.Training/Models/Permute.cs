using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>Reorders axes (exported as one ONNX Transpose); Swin uses it to go from the patch convolution's
/// [N, C, H, W] to the channels-last [N, H, W, C] its blocks work in.</summary>
public sealed class Permute : nn.Module<Tensor, Tensor>
{
    private readonly long[] order;

    public Permute(params long[] order) : base(nameof(Permute))
    {
        this.order = order.ToArray();
    }

    public IReadOnlyList<long> Order => order;

    public override Tensor forward(Tensor x) => x.permute(order);
}
