using static TorchSharp.torch;

namespace Platform.Training.Losses;

/// <summary>
/// A loss over logits [N, K] and integer class targets [N] (or, for losses that take them, soft targets [N, K] as
/// mixup and cutmix produce), averaged over the batch. Losses are computed in float32 whatever the logits'
/// precision, so low-precision training does not lose the loss's small terms.
/// </summary>
public abstract class ClassificationLoss : IDisposable
{
    public Tensor Compute(Tensor logits, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.dim() == 2 && targets.is_floating_point() && logits.dim() == 2 && targets.shape[0] == logits.shape[0] && targets.shape[1] == logits.shape[1])
        {
            return ComputeFromSoftTargets(logits.to_type(ScalarType.Float32).log_softmax(1), targets.to_type(ScalarType.Float32));
        }

        if (logits.dim() != 2 || targets.dim() != 1 || logits.shape[0] != targets.shape[0])
        {
            throw new ArgumentException($"Expected logits [N, K] and targets [N]; got [{string.Join(", ", logits.shape)}] and [{string.Join(", ", targets.shape)}].");
        }

        return ComputeFromLogProbabilities(logits.to_type(ScalarType.Float32).log_softmax(1), targets.to_type(ScalarType.Int64));
    }

    /// <summary>The batch mean loss from log-probabilities [N, K] (float32) and targets [N] (int64).</summary>
    protected abstract Tensor ComputeFromLogProbabilities(Tensor logProbabilities, Tensor targets);

    /// <summary>The batch mean loss against soft targets [N, K] whose rows sum to one; only cross-entropy has one.</summary>
    protected virtual Tensor ComputeFromSoftTargets(Tensor logProbabilities, Tensor targets) =>
        throw new NotSupportedException($"{GetType().Name} does not take soft targets (mixup/cutmix need loss.kind crossEntropy).");

    /// <summary>log p of each sample's target class, [N].</summary>
    protected static Tensor TargetLogProbability(Tensor logProbabilities, Tensor targets) =>
        logProbabilities.gather(1, targets.unsqueeze(1)).squeeze(1);

    public virtual void Dispose() => GC.SuppressFinalize(this);
}
