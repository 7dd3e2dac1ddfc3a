using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// ConvNeXt block (Liu et al. 2022, Fig. 4): 7×7 depthwise conv <c>dwconv</c>, then channels-last LayerNorm
/// <c>norm</c>, inverted bottleneck <c>pwconv1</c> (dim → 4·dim), GELU <c>act</c>, <c>pwconv2</c> (4·dim → dim),
/// per-channel layer scale <c>gamma</c> (initialised to 1e-6), back to channels-first, and the residual through
/// <see cref="StochasticDepth"/>: x + drop_path(gamma · pwconv2(act(pwconv1(norm(dwconv(x)))))).
/// </summary>
public sealed class ConvNeXtBlock : nn.Module<Tensor, Tensor>
{
    public const double LayerNormEpsilon = 1e-6;

    private readonly Conv2d dwconv;
    private readonly LayerNorm norm;
    private readonly Linear pwconv1;
    private readonly GELU act;
    private readonly Linear pwconv2;
    private readonly Parameter gamma;
    private readonly StochasticDepth drop_path;

    public ConvNeXtBlock(int dimension, double dropPath, double layerScale = 1e-6) : base(nameof(ConvNeXtBlock))
    {
        dwconv = nn.Conv2d(dimension, dimension, 7, padding: 3, groups: dimension);
        norm = nn.LayerNorm(dimension, eps: LayerNormEpsilon);
        pwconv1 = nn.Linear(dimension, 4 * dimension);
        act = nn.GELU();
        pwconv2 = nn.Linear(4 * dimension, dimension);
        gamma = nn.Parameter(full(dimension, layerScale));
        drop_path = new StochasticDepth(dropPath);
        RegisterComponents();
    }

    /// <summary>The layer-scale vector (dim) that multiplies the branch before the residual sum.</summary>
    public Tensor LayerScale => gamma;

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var branch = dwconv.call(x).permute(0, 2, 3, 1);
        branch = pwconv2.call(act.call(pwconv1.call(norm.call(branch)))).mul(gamma).permute(0, 3, 1, 2);
        return x.Plus(drop_path.call(branch)).MoveToOuterDisposeScope();
    }
}
