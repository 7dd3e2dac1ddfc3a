using static TorchSharp.torch;

namespace Platform.Training.Losses;

/// <summary>
/// Multi-class focal loss (Lin et al. 2017, "Focal Loss for Dense Object Detection"):
/// FL_i = −α_{y_i}·(1 − p_{i,y_i})^γ·log p_{i,y_i}, averaged over the batch. γ = 0 and α = 1 give cross-entropy;
/// larger γ down-weights samples the model already classifies well. α is one scalar for every class or one
/// weight per class.
/// </summary>
public sealed class FocalLoss : ClassificationLoss
{
    private readonly double gamma;
    private readonly double alpha;
    private readonly Tensor? classAlpha;

    public FocalLoss(double gamma = 2, double alpha = 1, IReadOnlyList<double>? classAlpha = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(gamma);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(alpha);
        this.gamma = gamma;
        this.alpha = alpha;
        if (classAlpha is not null)
        {
            this.classAlpha = tensor(classAlpha.Select(a => (float)a).ToArray()).DetachFromDisposeScope();
        }
    }

    protected override Tensor ComputeFromLogProbabilities(Tensor logProbabilities, Tensor targets)
    {
        using var scope = NewDisposeScope();
        if (classAlpha is not null && classAlpha.shape[0] != logProbabilities.shape[1])
        {
            throw new ArgumentException($"Focal loss has {classAlpha.shape[0]} class weights but the logits have {logProbabilities.shape[1]} classes.");
        }

        var logTarget = TargetLogProbability(logProbabilities, targets);
        var modulation = (1 - logTarget.exp()).clamp_min(0).pow(gamma);
        var perSample = -modulation * logTarget;
        perSample = classAlpha is null
            ? perSample * alpha
            : perSample * classAlpha.to(logProbabilities.device).index_select(0, targets);
        return perSample.mean().MoveToOuterDisposeScope();
    }

    public override void Dispose()
    {
        classAlpha?.Dispose();
        base.Dispose();
    }
}
