using Platform.Training.Precision;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// Swin's window multi-head self-attention (Liu et al. 2021, Eq. 4) over windows [N·nW, w², C]:
/// softmax(q·kᵀ/√d + B + M)·v per head, where B is looked up from the learned <c>relative_position_bias_table</c>
/// [(2w−1)², heads] by <c>relative_position_index</c> [w², w²], and M is the shifted-window mask <c>attn_mask</c>
/// [nW, w², w²] (absent in blocks without shift). Linear <c>qkv</c> (C → 3C) and <c>proj</c> (C → C) as timm names them.
/// </summary>
public sealed class WindowAttention : nn.Module<Tensor, Tensor>
{
    private readonly Linear qkv;
    private readonly Linear proj;
    // A module rather than a call, so that mixed precision can run it in fp32 (MixedPrecisionPolicy).
    private readonly Softmax softmax;
    private readonly Parameter relative_position_bias_table;
    private readonly Tensor relative_position_index;
    private readonly Tensor? attn_mask;

    public WindowAttention(int dimension, int heads, int window, float[]? mask, int windowsPerImage) : base(nameof(WindowAttention))
    {
        if (dimension % heads != 0)
        {
            throw new ArgumentException($"Embedding dimension {dimension} is not divisible by {heads} heads.", nameof(heads));
        }

        Heads = heads;
        Window = window;
        WindowsPerImage = windowsPerImage;
        Scale = 1.0 / Math.Sqrt(dimension / heads);
        long tokens = window * window;
        qkv = nn.Linear(dimension, 3 * dimension);
        proj = nn.Linear(dimension, dimension);
        softmax = nn.Softmax(-1);
        relative_position_bias_table = nn.Parameter(zeros((2 * window - 1) * (2 * window - 1), heads));
        relative_position_index = tensor(SwinWindows.RelativePositionIndex(window), [tokens, tokens]);
        attn_mask = mask is null ? null : tensor(mask, [windowsPerImage, tokens, tokens]);
        RegisterComponents();
    }

    public int Heads { get; }

    public int Window { get; }

    /// <summary>nW: windows per image at this block's resolution (the mask has one slice per window).</summary>
    public int WindowsPerImage { get; }

    public double Scale { get; }

    /// <summary>The learned table, [(2w−1)², heads].</summary>
    public Tensor BiasTable => relative_position_bias_table;

    /// <summary>The shifted-window mask [nW, w², w²] or null when the block does not shift.</summary>
    public Tensor? Mask => attn_mask;

    /// <summary>B of Eq. 4 as [heads, w², w²]: the table gathered by the relative position index.</summary>
    public Tensor RelativePositionBias()
    {
        long tokens = Window * Window;
        using var scope = NewDisposeScope();
        return relative_position_bias_table.index_select(0, relative_position_index.flatten())
            .reshape(tokens, tokens, Heads).permute(2, 0, 1).contiguous().MoveToOuterDisposeScope();
    }

    public override Tensor forward(Tensor windows)
    {
        using var scope = NewDisposeScope();
        long count = windows.shape[0], tokens = windows.shape[1], dimension = windows.shape[2], headDimension = dimension / Heads;
        var projected = qkv.call(windows).reshape(count, tokens, 3, Heads, headDimension).permute(2, 0, 3, 1, 4);
        var (q, k, v) = (projected[0], projected[1], projected[2]);
        var scores = MixedPrecisionPolicy.MatMul(q * Scale, k.transpose(-2, -1)) + RelativePositionBias().unsqueeze(0);
        if (attn_mask is not null)
        {
            scores = (scores.reshape(-1, WindowsPerImage, Heads, tokens, tokens) + attn_mask.unsqueeze(1).unsqueeze(0))
                .reshape(-1, Heads, tokens, tokens);
        }

        var merged = MixedPrecisionPolicy.MatMul(softmax.call(scores), v).transpose(1, 2).reshape(count, tokens, dimension);
        return proj.call(merged).MoveToOuterDisposeScope();
    }
}
