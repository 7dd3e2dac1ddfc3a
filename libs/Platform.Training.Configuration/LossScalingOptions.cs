namespace Platform.Training.Configuration;

/// <param name="InitialScale">Starting loss scale (2^16 as in PyTorch's GradScaler).</param>
/// <param name="GrowthInterval">Consecutive finite steps after which the scale doubles.</param>
/// <param name="Bf16LossScaling">Whether bf16 also scales the loss (its exponent range rarely needs it).</param>
public sealed record LossScalingOptions(double InitialScale = 65536, int GrowthInterval = 2000, bool Bf16LossScaling = false);
