namespace Platform.Contracts.Runs;

/// <summary>The kinds of <see cref="RunFinding"/> (lowercase, as on the wire).</summary>
public static class FindingKinds
{
    /// <summary>Validation loss rising while training loss falls, or a train–validation accuracy gap.</summary>
    public const string Overfitting = "overfitting";

    /// <summary>Training loss flat: the model learns nothing (learning rate too low, or too high to settle).</summary>
    public const string Underfitting = "underfitting";

    /// <summary>Loss diverging or non-finite early: the learning rate is too high.</summary>
    public const string Divergence = "divergence";

    /// <summary>The first blocks' gradient norm orders of magnitude below the last blocks', or near zero.</summary>
    public const string VanishingGradients = "vanishing-gradients";

    /// <summary>Gradient-norm spikes, non-finite steps, repeated loss-scale drops.</summary>
    public const string ExplodingGradients = "exploding-gradients";

    /// <summary>A skewed dataset with a spread of per-class recall.</summary>
    public const string ClassImbalance = "class-imbalance";

    public static readonly string[] All = [Overfitting, Underfitting, Divergence, VanishingGradients, ExplodingGradients, ClassImbalance];
}
