using static TorchSharp.torch;

namespace Platform.Training.Losses;

/// <summary>
/// Cross-entropy with label smoothing (Szegedy et al. 2016) and optional class weights, as in PyTorch's
/// <c>CrossEntropyLoss</c>: with q = (1 − ε)·onehot(y) + ε/K,
/// loss_i = w_{y_i}·(1 − ε)·(−log p_{i,y_i}) + ε·Σ_c w_c·(−log p_{i,c}) / K, and the batch loss is Σ_i loss_i / Σ_i w_{y_i}
/// (the plain mean when unweighted).
/// </summary>
public sealed class CrossEntropyLoss : ClassificationLoss
{
    private readonly double labelSmoothing;
    private readonly Tensor? classWeights;

    /// <param name="labelSmoothing">ε in [0, 1).</param>
    /// <param name="classWeights">One weight per class, or null for none.</param>
    public CrossEntropyLoss(double labelSmoothing = 0, IReadOnlyList<double>? classWeights = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(labelSmoothing);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(labelSmoothing, 1);
        this.labelSmoothing = labelSmoothing;
        if (classWeights is not null)
        {
            this.classWeights = tensor(classWeights.Select(w => (float)w).ToArray()).DetachFromDisposeScope();
        }
    }

    public IReadOnlyList<double>? ClassWeights => classWeights?.data<float>().Select(w => (double)w).ToArray();

    protected override Tensor ComputeFromLogProbabilities(Tensor logProbabilities, Tensor targets)
    {
        using var scope = NewDisposeScope();
        int classes = (int)logProbabilities.shape[1];
        var negativeTarget = -TargetLogProbability(logProbabilities, targets);
        Tensor loss;
        if (classWeights is null)
        {
            var negativeMean = -logProbabilities.mean([1]);
            loss = ((1 - labelSmoothing) * negativeTarget + labelSmoothing * negativeMean).mean();
        }
        else
        {
            var weights = classWeights.to(logProbabilities.device);
            var targetWeights = weights.index_select(0, targets);
            var smoothTerm = -(logProbabilities * weights.unsqueeze(0)).sum(1) / classes;
            var perSample = (1 - labelSmoothing) * targetWeights * negativeTarget + labelSmoothing * smoothTerm;
            loss = perSample.sum() / targetWeights.sum();
        }

        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>Soft-target cross-entropy (timm's <c>SoftTargetCrossEntropy</c>): mean over i of −Σ_c q_ic·log p_ic.
    /// The targets already carry any label smoothing (the mixer folds it in), so ε is not applied again.</summary>
    protected override Tensor ComputeFromSoftTargets(Tensor logProbabilities, Tensor targets)
    {
        if (classWeights is not null)
        {
            throw new NotSupportedException("Class-weighted cross-entropy does not take soft targets (mixup/cutmix).");
        }

        using var scope = NewDisposeScope();
        return (-(targets * logProbabilities).sum(1)).mean().MoveToOuterDisposeScope();
    }

    public override void Dispose()
    {
        classWeights?.Dispose();
        base.Dispose();
    }
}
