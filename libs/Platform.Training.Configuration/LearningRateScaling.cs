namespace Platform.Training.Configuration;

/// <summary>How the learning rate follows the global batch (timm's <c>--lr-base</c> rule): lr × (global / base) or lr × √(global / base).</summary>
public enum LearningRateScaling
{
    /// <summary>The configured lr whatever the global batch.</summary>
    None,

    /// <summary>Goyal et al. 2017: lr × global batch / base batch (SGD's rule).</summary>
    Linear,

    /// <summary>lr × √(global batch / base batch) (timm's default for adaptive optimizers such as AdamW).</summary>
    Sqrt,
}
