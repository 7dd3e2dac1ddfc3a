namespace Platform.Training.Precision;

/// <summary>
/// Dynamic loss scaling for fp16 training (Micikevicius et al. 2018, "Mixed Precision Training"; PyTorch's
/// GradScaler): the loss is multiplied by <see cref="Scale"/> before backward so small gradients survive fp16's
/// narrow range. When any gradient comes back inf/NaN the step is skipped and the scale halves; after
/// <see cref="GrowthInterval"/> finite steps in a row it doubles.
/// </summary>
public sealed class DynamicLossScaler
{
    private const double MinimumScale = 1.0 / 65536;

    public DynamicLossScaler(double initialScale = 65536, int growthInterval = 2000)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(initialScale);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(growthInterval);
        Scale = initialScale;
        GrowthInterval = growthInterval;
    }

    public double Scale { get; private set; }

    public int GrowthInterval { get; }

    /// <summary>Finite steps since the last change of scale.</summary>
    public int GoodSteps { get; private set; }

    public long SkippedSteps { get; private set; }

    /// <summary>Records whether the last step's gradients were finite and adjusts the scale.</summary>
    /// <returns>True when the optimizer step should be taken, false when it must be skipped.</returns>
    public bool Update(bool gradientsFinite)
    {
        if (!gradientsFinite)
        {
            Scale = Math.Max(Scale / 2, MinimumScale);
            GoodSteps = 0;
            SkippedSteps++;
            return false;
        }

        if (++GoodSteps >= GrowthInterval)
        {
            Scale *= 2;
            GoodSteps = 0;
        }

        return true;
    }

    public LossScalerState State => new(Scale, GoodSteps, SkippedSteps);

    public void Restore(LossScalerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Scale = state.Scale;
        GoodSteps = state.GoodSteps;
        SkippedSteps = state.SkippedSteps;
    }
}
