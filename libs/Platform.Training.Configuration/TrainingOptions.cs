using System.Text.Json.Serialization;
using Platform.Imaging.Formats.Recipes;

namespace Platform.Training.Configuration;

public enum FineTuneMode
{
    /// <summary>Every parameter trains at the configured learning rate.</summary>
    Full,

    /// <summary>The backbone is frozen (no gradients, batch norm in eval mode); only the head trains.</summary>
    FeatureExtraction,

    /// <summary>The head trains alone for <see cref="FineTuneOptions.HeadEpochs"/>, then everything trains with the
    /// backbone at lr × <see cref="FineTuneOptions.BackboneLrFactor"/>.</summary>
    Staged,
}

/// <param name="Mode">How much of the model trains.</param>
/// <param name="HeadEpochs">Staged only: epochs with a frozen backbone before it is unfrozen.</param>
/// <param name="BackboneLrFactor">Staged only: backbone learning rate as a fraction of the head's once unfrozen.</param>
public sealed record FineTuneOptions(FineTuneMode Mode = FineTuneMode.Full, int HeadEpochs = 1, double BackboneLrFactor = 0.1);

public enum OptimizerKind
{
    [JsonStringEnumMemberName("adamw")] AdamW,
    Sgd,
}

/// <param name="Kind">adamw (decoupled weight decay, Loshchilov &amp; Hutter 2019) or sgd.</param>
/// <param name="Beta1">AdamW: decay of the gradient's running mean.</param>
/// <param name="Beta2">AdamW: decay of the squared gradient's running mean.</param>
/// <param name="Eps">AdamW: added to the denominator for stability.</param>
/// <param name="Momentum">SGD: momentum factor (0 switches momentum off).</param>
/// <param name="Nesterov">SGD: Nesterov momentum (needs Momentum &gt; 0).</param>
public sealed record OptimizerOptions(
    OptimizerKind Kind = OptimizerKind.AdamW,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Eps = 1e-8,
    double Momentum = 0.9,
    bool Nesterov = false);

public enum ScheduleKind
{
    /// <summary>Cosine annealing from lr to EtaMin over the steps after warm-up.</summary>
    Cosine,

    /// <summary>lr × Gamma^⌊epoch / StepSize⌋.</summary>
    Step,

    /// <summary>lr throughout (after warm-up).</summary>
    Constant,
}

/// <param name="Kind">Shape of the learning-rate curve after warm-up.</param>
/// <param name="WarmupEpochs">Linear warm-up length in epochs (ignored when WarmupSteps &gt; 0).</param>
/// <param name="WarmupSteps">Linear warm-up length in optimizer steps; takes precedence over WarmupEpochs.</param>
/// <param name="EtaMin">Cosine: the learning rate reached at the last step (for the head group; other groups scale).</param>
/// <param name="StepSize">Step: epochs between decays.</param>
/// <param name="Gamma">Step: multiplicative decay.</param>
public sealed record ScheduleOptions(
    ScheduleKind Kind = ScheduleKind.Cosine,
    int WarmupEpochs = 0,
    int WarmupSteps = 0,
    double EtaMin = 0,
    int StepSize = 10,
    double Gamma = 0.1);

public enum AugmentationPreset
{
    /// <summary>Resize to the image size only.</summary>
    None,

    /// <summary>Mild random resized crop (scale 0.7–1) and horizontal flip.</summary>
    Light,

    /// <summary>torchvision's ImageNet training recipe: random resized crop (scale 0.08–1), flip, colour jitter 0.2.</summary>
    Standard,
}

/// <param name="Preset">Named training augmentation, used when <paramref name="Recipe"/> is not given.</param>
/// <param name="Recipe">A full Platform.Imaging training transform recipe; overrides the preset.</param>
/// <param name="Mean">Per-channel normalisation mean; null = ImageNet's (its average for one channel).</param>
/// <param name="Std">Per-channel normalisation standard deviation; null = ImageNet's.</param>
public sealed record AugmentationOptions(
    AugmentationPreset Preset = AugmentationPreset.Light,
    TransformRecipe? Recipe = null,
    float[]? Mean = null,
    float[]? Std = null);

public enum LossKind
{
    /// <summary>Cross-entropy with optional label smoothing.</summary>
    CrossEntropy,

    /// <summary>Cross-entropy weighted by inverse class frequency, n / (K · count_c).</summary>
    WeightedCrossEntropy,

    /// <summary>Focal loss (Lin et al. 2017): −α_t (1 − p_t)^γ log p_t.</summary>
    Focal,
}

/// <param name="Kind">Which loss.</param>
/// <param name="LabelSmoothing">Cross-entropy kinds: ε in [0, 1); targets become (1 − ε)·onehot + ε/K.</param>
/// <param name="Gamma">Focal: focusing exponent γ ≥ 0 (0 gives cross-entropy).</param>
/// <param name="Alpha">Focal: one weight α for every class; null = 1.</param>
/// <param name="ClassAlpha">Focal: one weight per class (overrides Alpha).</param>
public sealed record LossOptions(
    LossKind Kind = LossKind.CrossEntropy,
    double LabelSmoothing = 0,
    double Gamma = 2,
    double? Alpha = null,
    double[]? ClassAlpha = null);

public enum SamplerKind
{
    /// <summary>Every image once per epoch in a fresh random order.</summary>
    Shuffle,

    /// <summary>Drawn with replacement with probability inversely proportional to the class frequency.</summary>
    ClassBalanced,

    /// <summary>Every class topped up to the largest class's count by repeating its images, each epoch freshly shuffled.</summary>
    Oversample,

    /// <summary>Every class cut to the smallest class's count, a fresh random subset each epoch (the rest is unused that epoch).</summary>
    Undersample,
}

public enum MonitoredMetric
{
    ValLoss,
    ValAccuracy,
}

/// <param name="Metric">Validation metric watched (valLoss: lower is better; valAccuracy: higher is better).</param>
/// <param name="Patience">Epochs without an improvement larger than MinDelta before training stops.</param>
/// <param name="MinDelta">Smallest change that counts as an improvement.</param>
public sealed record EarlyStoppingOptions(MonitoredMetric Metric = MonitoredMetric.ValLoss, int Patience = 5, double MinDelta = 0);

public enum NumericPrecision
{
    Fp32,
    Fp16,
    Bf16,
}

/// <param name="KeepLast">Epoch checkpoints kept besides the best one (older ones are deleted).</param>
/// <param name="Metric">Validation metric that decides the best checkpoint.</param>
public sealed record CheckpointOptions(int KeepLast = 2, MonitoredMetric Metric = MonitoredMetric.ValAccuracy);

public enum DevicePreference
{
    /// <summary>CUDA when available, otherwise CPU.</summary>
    Auto,
    Cpu,
    Cuda,
}

/// <param name="InitialScale">Starting loss scale (2^16 as in PyTorch's GradScaler).</param>
/// <param name="GrowthInterval">Consecutive finite steps after which the scale doubles.</param>
/// <param name="Bf16LossScaling">Whether bf16 also scales the loss (its exponent range rarely needs it).</param>
public sealed record LossScalingOptions(double InitialScale = 65536, int GrowthInterval = 2000, bool Bf16LossScaling = false);
