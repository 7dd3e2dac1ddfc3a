namespace Platform.Training.Configuration;

/// <summary>Mixup (Zhang et al. 2018) and CutMix (Yun et al. 2019) on training batches, as timm's <c>Mixup</c>.</summary>
/// <param name="Alpha">Mixup's Beta(α, α) for λ; 0 = no mixup.</param>
/// <param name="CutmixAlpha">CutMix's Beta(α, α) for λ; 0 = no cutmix.</param>
/// <param name="SwitchProbability">With both on, the chance a batch uses cutmix instead of mixup.</param>
/// <param name="Probability">The chance a batch is mixed at all.</param>
/// <param name="OffEpochs">Train the last this-many epochs on unmixed batches.</param>
public sealed record MixupOptions(double Alpha = 0.8, double CutmixAlpha = 1.0, double SwitchProbability = 0.5, double Probability = 1.0, int OffEpochs = 0);
