namespace Platform.Training.Configuration;

/// <summary>
/// The training doctor's thresholds (docs/training.md, "The training doctor"): which curves make a finding. Defaults
/// follow the guide and common practice; each can be tightened or loosened per run.
/// </summary>
/// <param name="Enabled">Evaluate the curves and report findings.</param>
/// <param name="OverfitEpochs">Overfitting: validation loss rising this many epochs in a row while training loss falls.</param>
/// <param name="OverfitAccuracyGap">Overfitting: training accuracy above validation accuracy by at least this much.</param>
/// <param name="FlatEpochs">Underfitting: epochs over which the training loss must move.</param>
/// <param name="FlatRelativeChange">Underfitting: the training loss is flat when it changed less than this fraction over <see cref="FlatEpochs"/> epochs.</param>
/// <param name="DivergenceFactor">Divergence: a step-level training loss this many times its first logged value, or non-finite.</param>
/// <param name="VanishingRatio">Vanishing gradients: the first block's gradient norm below this fraction of the last block's.</param>
/// <param name="VanishingFloor">Vanishing gradients: a block gradient norm below this is near zero.</param>
/// <param name="SpikeFactor">Exploding gradients: a step's gradient norm this many times the median of the steps before it.</param>
/// <param name="NonFiniteSteps">Exploding gradients: this many steps with a non-finite gradient norm (skipped under loss scaling).</param>
/// <param name="LossScaleDrops">Exploding gradients: this many loss-scale drops in one epoch.</param>
/// <param name="ImbalanceRatio">Class imbalance: the largest class has at least this many times the images of the smallest.</param>
/// <param name="RecallSpread">Class imbalance: the best class's validation recall above the worst's by at least this much.</param>
public sealed record DoctorOptions(
    bool Enabled = true,
    int OverfitEpochs = 3,
    double OverfitAccuracyGap = 0.15,
    int FlatEpochs = 3,
    double FlatRelativeChange = 0.01,
    double DivergenceFactor = 3,
    double VanishingRatio = 1e-3,
    double VanishingFloor = 1e-7,
    double SpikeFactor = 10,
    int NonFiniteSteps = 1,
    int LossScaleDrops = 3,
    double ImbalanceRatio = 3,
    double RecallSpread = 0.3);
