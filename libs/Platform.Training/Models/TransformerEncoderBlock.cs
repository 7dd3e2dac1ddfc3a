using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// Pre-norm transformer encoder block as in ViT (Dosovitskiy et al. 2021):
/// x + attn(norm1(x)), then + mlp(norm2(x)), where mlp is Linear(dim, 4·dim), GELU, Linear(4·dim, dim).
/// Child names follow timm (<c>norm1</c>, <c>attn.qkv</c>, <c>mlp.fc1</c>…).
/// </summary>
public sealed class TransformerEncoderBlock : nn.Module<Tensor, Tensor>
{
    public const double LayerNormEpsilon = 1e-6;

    private readonly LayerNorm norm1;
    private readonly MultiHeadSelfAttention attn;
    private readonly LayerNorm norm2;
    private readonly Sequential mlp;

    public TransformerEncoderBlock(int dimension, int heads, int mlpRatio = 4) : base(nameof(TransformerEncoderBlock))
    {
        norm1 = nn.LayerNorm(dimension, eps: LayerNormEpsilon);
        attn = new MultiHeadSelfAttention(dimension, heads);
        norm2 = nn.LayerNorm(dimension, eps: LayerNormEpsilon);
        mlp = nn.Sequential(
            ("fc1", nn.Linear(dimension, mlpRatio * dimension)),
            ("act", nn.GELU()),
            ("fc2", nn.Linear(mlpRatio * dimension, dimension)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var x = tokens.Plus(attn.call(norm1.call(tokens)));
        x = x.Plus(mlp.call(norm2.call(x)));
        return x.MoveToOuterDisposeScope();
    }
}
