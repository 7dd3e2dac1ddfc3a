using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>Global average pooling of a channels-last map: [N, H, W, C] → [N, C] (an ONNX ReduceMean over axes 1 and 2).</summary>
public sealed class ChannelsLastAveragePool : nn.Module<Tensor, Tensor>
{
    public ChannelsLastAveragePool() : base(nameof(ChannelsLastAveragePool))
    {
    }

    public override Tensor forward(Tensor x) => x.mean([1L, 2L]);
}
