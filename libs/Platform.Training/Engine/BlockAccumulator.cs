using Platform.Training.Checkpoints;
using Platform.Training.Precision;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Engine;

/// <summary>Adds up one epoch's per-block gradient norms (every finite step) and update-to-weight ratios (the measured steps).</summary>
internal sealed class BlockAccumulator(BlockLayout layout)
{
    private readonly double[] gradientSums = new double[layout.Blocks.Count];
    private readonly int[] gradientSteps = new int[layout.Blocks.Count];
    private readonly double[] ratioSums = new double[layout.Blocks.Count];
    private readonly int[] ratioSteps = new int[layout.Blocks.Count];

    /// <summary>The sums so far, for a mid-epoch checkpoint.</summary>
    public BlockSums Sums() => new([.. gradientSums], [.. gradientSteps], [.. ratioSums], [.. ratioSteps]);

    /// <summary>Continues an epoch from a mid-epoch checkpoint's sums (ignored when they were made for other blocks).</summary>
    public void Restore(BlockSums? sums)
    {
        if (sums is null || sums.GradientSums.Length != gradientSums.Length || sums.GradientSteps.Length != gradientSteps.Length
            || sums.RatioSums.Length != ratioSums.Length || sums.RatioSteps.Length != ratioSteps.Length)
        {
            return;
        }

        sums.GradientSums.CopyTo(gradientSums, 0);
        sums.GradientSteps.CopyTo(gradientSteps, 0);
        sums.RatioSums.CopyTo(ratioSums, 0);
        sums.RatioSteps.CopyTo(ratioSteps, 0);
    }

    public void AddStep(float[]? parameterGradientNorms, ParameterUpdate? update)
    {
        if (parameterGradientNorms is not null)
        {
            var norms = layout.Combine(parameterGradientNorms);
            for (int b = 0; b < norms.Length; b++)
            {
                if (!double.IsNaN(norms[b]))
                {
                    gradientSums[b] += norms[b];
                    gradientSteps[b]++;
                }
            }
        }

        if (update is not null)
        {
            var (updates, weights) = (layout.Combine(update.UpdateNorms), layout.Combine(update.WeightNorms));
            for (int b = 0; b < updates.Length; b++)
            {
                if (weights[b] > 0 && double.IsFinite(updates[b]))
                {
                    ratioSums[b] += updates[b] / weights[b];
                    ratioSteps[b]++;
                }
            }
        }
    }

    /// <summary>The epoch's figures, with each block's weight norm read now from <paramref name="parameters"/> (the master weights).</summary>
    public IReadOnlyList<BlockFigures> Figures(IReadOnlyList<Parameter> parameters)
    {
        float[] weightNorms;
        using (var scope = NewDisposeScope())
        using (no_grad())
        {
            weightNorms = stack(parameters.Select(p => p.detach().norm().to_type(ScalarType.Float32)).ToArray()).cpu().data<float>().ToArray();
        }

        var weights = layout.Combine(weightNorms);
        return layout.Blocks.Select((name, b) => new BlockFigures(name,
            gradientSteps[b] > 0 ? gradientSums[b] / gradientSteps[b] : null,
            weights[b],
            ratioSteps[b] > 0 ? ratioSums[b] / ratioSteps[b] : null)).ToList();
    }
}
