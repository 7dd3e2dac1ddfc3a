using static TorchSharp.torch;

namespace Platform.Training.Mixing;

/// <summary>A training batch after <see cref="BatchMixer"/>: images, soft targets [N, K] whose rows sum to one, and
/// how it was mixed (λ is the weight of each sample's own image and label; for cutmix, the area outside the box).</summary>
public sealed record MixedBatch(Tensor Images, Tensor Targets, MixKind Kind, double Lambda, CutmixBox? Box);
