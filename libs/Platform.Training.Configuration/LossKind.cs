namespace Platform.Training.Configuration;

public enum LossKind
{
    /// <summary>Cross-entropy with optional label smoothing.</summary>
    CrossEntropy,

    /// <summary>Cross-entropy weighted by inverse class frequency, n / (K · count_c).</summary>
    WeightedCrossEntropy,

    /// <summary>Focal loss (Lin et al. 2017): −α_t (1 − p_t)^γ log p_t.</summary>
    Focal,
}
