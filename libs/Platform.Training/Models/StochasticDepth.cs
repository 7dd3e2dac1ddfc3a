using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// Stochastic depth, "drop path" (Huang et al. 2016, as timm's <c>DropPath</c>): in training, each sample's residual
/// branch is zeroed with probability <see cref="Rate"/> and the kept ones are scaled by 1 / (1 − rate), so the expected
/// branch is unchanged; in eval mode, and at rate 0, it is the identity (which is all an exporter needs to know).
/// </summary>
public sealed class StochasticDepth : nn.Module<Tensor, Tensor>
{
    public StochasticDepth(double rate) : base(nameof(StochasticDepth))
    {
        if (rate is < 0 or >= 1 || double.IsNaN(rate))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The drop-path rate must be in [0, 1).");
        }

        Rate = rate;
    }

    public double Rate { get; }

    /// <summary>timm's linear rule over a network's blocks: block i of n drops with rate · i / (n − 1).</summary>
    public static double[] LinearRates(int blocks, double rate) =>
        Enumerable.Range(0, blocks).Select(i => blocks == 1 ? 0 : rate * i / (blocks - 1)).ToArray();

    public override Tensor forward(Tensor branch)
    {
        if (!training || Rate == 0)
        {
            return branch;
        }

        using var scope = NewDisposeScope();
        double keep = 1 - Rate;
        var shape = new long[branch.dim()];
        Array.Fill(shape, 1L);
        shape[0] = branch.shape[0];
        var mask = empty(shape, branch.dtype, branch.device).bernoulli_(keep).div_(keep);
        return (branch * mask).MoveToOuterDisposeScope();
    }
}
