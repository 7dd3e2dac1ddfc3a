using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// Swin's patch merging between stages (Liu et al. 2021, §3.1): each 2×2 group of tokens of a channels-last map
/// [N, H, W, C] is concatenated to 4C features (in timm's order (0,0), (1,0), (0,1), (1,1)), normalised by
/// <c>norm</c> and reduced to 2C by the bias-free Linear <c>reduction</c>: [N, H/2, W/2, 2C].
/// </summary>
public sealed class PatchMerging : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm;
    private readonly Linear reduction;

    public PatchMerging(int dimension) : base(nameof(PatchMerging))
    {
        norm = nn.LayerNorm(4 * dimension);
        reduction = nn.Linear(4 * dimension, 2 * dimension, hasBias: false);
        RegisterComponents();
    }

    public override Tensor forward(Tensor map)
    {
        using var scope = NewDisposeScope();
        long n = map.shape[0], height = map.shape[1], width = map.shape[2], channels = map.shape[3];
        var grouped = map.reshape(n, height / 2, 2, width / 2, 2, channels).permute(0, 1, 3, 4, 2, 5).reshape(n, height / 2, width / 2, 4 * channels);
        return reduction.call(norm.call(grouped)).MoveToOuterDisposeScope();
    }
}
