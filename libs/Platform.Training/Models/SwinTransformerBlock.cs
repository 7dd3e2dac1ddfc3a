using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// One Swin Transformer block (Liu et al. 2021, Eq. 3) on a channels-last map [N, H, W, C]:
/// x + drop_path(reverse(attn(partition(roll(norm1(x), −s))), s)), then x + drop_path(mlp(norm2(x))). The cyclic
/// shift s is half the window in every second block (0 when the map is no larger than one window); the roll is
/// undone after attention, and <see cref="WindowAttention"/> masks the pairs the roll brought together.
/// </summary>
public sealed class SwinTransformerBlock : nn.Module<Tensor, Tensor>
{
    private readonly LayerNorm norm1;
    private readonly WindowAttention attn;
    private readonly LayerNorm norm2;
    private readonly Sequential mlp;
    private readonly StochasticDepth drop_path;

    public SwinTransformerBlock(int dimension, int heads, int resolution, int window, bool shifted, double dropPath, int mlpRatio = 4)
        : base(nameof(SwinTransformerBlock))
    {
        // As timm: a map that fits in one window is attended as a whole, and then there is nothing to shift.
        Window = Math.Min(window, resolution);
        Shift = shifted && resolution > window ? window / 2 : 0;
        Resolution = resolution;
        if (resolution % Window != 0)
        {
            throw new ArgumentException($"A Swin stage at {resolution}×{resolution} tokens cannot be split into {Window}×{Window} windows.", nameof(resolution));
        }

        var windowsPerImage = resolution / Window * (resolution / Window);
        norm1 = nn.LayerNorm(dimension);
        attn = new WindowAttention(dimension, heads, Window, Shift > 0 ? SwinWindows.ShiftedWindowMask(resolution, resolution, Window, Shift) : null, windowsPerImage);
        norm2 = nn.LayerNorm(dimension);
        mlp = nn.Sequential(
            ("fc1", nn.Linear(dimension, mlpRatio * dimension)),
            ("act", nn.GELU()),
            ("fc2", nn.Linear(mlpRatio * dimension, dimension)));
        drop_path = new StochasticDepth(dropPath);
        RegisterComponents();
    }

    public int Window { get; }

    public int Shift { get; }

    /// <summary>Side of the token map this block was built for.</summary>
    public int Resolution { get; }

    public WindowAttention Attention => attn;

    public override Tensor forward(Tensor map)
    {
        if (map.shape[1] != Resolution || map.shape[2] != Resolution)
        {
            throw new ArgumentException($"This Swin block was built for a {Resolution}×{Resolution} token map; got {map.shape[1]}×{map.shape[2]}.", nameof(map));
        }

        using var scope = NewDisposeScope();
        var x = norm1.call(map);
        if (Shift > 0)
        {
            x = x.roll([-Shift, -Shift], [1, 2]);
        }

        x = SwinWindows.Reverse(attn.call(SwinWindows.Partition(x, Window)), Window, Resolution, Resolution);
        if (Shift > 0)
        {
            x = x.roll([Shift, Shift], [1, 2]);
        }

        x = map.Plus(drop_path.call(x));
        x = x.Plus(drop_path.call(mlp.call(norm2.call(x))));
        return x.MoveToOuterDisposeScope();
    }
}
