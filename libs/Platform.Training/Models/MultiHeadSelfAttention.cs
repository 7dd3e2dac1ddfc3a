using Platform.Training.Precision;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// Multi-head self-attention (Vaswani et al. 2017) from plain parts so that it exports to ONNX as
/// MatMul/Softmax/Reshape/Transpose: one Linear <c>qkv</c> (dim → 3·dim), scaled dot-product attention per head,
/// one Linear <c>proj</c> (dim → dim). forward over tokens [N, T, dim]:
/// q, k, v = split(qkv(x)); a = softmax(q·kᵀ / sqrt(dim/heads)); proj(merge_heads(a·v)).
/// </summary>
public sealed class MultiHeadSelfAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear qkv;
    private readonly Linear proj;
    // A module rather than a call, so that mixed precision can run it in fp32 (MixedPrecisionPolicy).
    private readonly Softmax softmax;
    private readonly int heads;
    private readonly int headDimension;
    private readonly double scale;

    public MultiHeadSelfAttention(int dimension, int heads) : base(nameof(MultiHeadSelfAttention))
    {
        if (dimension % heads != 0)
        {
            throw new ArgumentException($"Embedding dimension {dimension} is not divisible by {heads} heads.", nameof(heads));
        }

        this.heads = heads;
        headDimension = dimension / heads;
        scale = 1.0 / Math.Sqrt(headDimension);
        qkv = nn.Linear(dimension, 3 * dimension);
        proj = nn.Linear(dimension, dimension);
        softmax = nn.Softmax(-1);
        RegisterComponents();
    }

    public int Heads => heads;

    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        long batch = tokens.shape[0], count = tokens.shape[1], dimension = tokens.shape[2];
        // [N, T, 3·dim] → [3, N, heads, T, headDim]
        var projected = qkv.call(tokens).reshape(batch, count, 3, heads, headDimension).permute(2, 0, 3, 1, 4);
        var (q, k, v) = (projected[0], projected[1], projected[2]);
        var weights = softmax.call(MixedPrecisionPolicy.MatMul(q, k.transpose(-2, -1)).mul_(scale));
        var merged = MixedPrecisionPolicy.MatMul(weights, v).transpose(1, 2).reshape(batch, count, dimension);
        return proj.call(merged).MoveToOuterDisposeScope();
    }
}
