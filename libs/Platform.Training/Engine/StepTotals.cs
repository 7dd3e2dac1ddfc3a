using Platform.Training.Precision;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Engine;

/// <summary>
/// An epoch's training loss, accuracy counts and per-step gradient norms kept on the device and read in one copy per
/// logging interval (and at the epoch's end), so the step loop does not wait for the device at every step: a GPU keeps
/// the next steps queued while the host prepares them. Steps whose norms the stepper already read (loss scaling) pass
/// through in order with the others.
/// </summary>
internal sealed class StepTotals : IDisposable
{
    private readonly Tensor lossSum;
    private readonly Tensor lossSinceLog;
    private readonly Tensor correct;
    private readonly Tensor correctTop5;
    private readonly bool topFive;
    private readonly List<PendingStep> pending = [];
    private int batchesSinceLog;

    /// <param name="device">Where the batches' losses and logits are.</param>
    /// <param name="topFive">Count top-5 hits too (more than five classes).</param>
    public StepTotals(Device device, bool topFive)
    {
        this.topFive = topFive;
        lossSum = zeros(Array.Empty<long>(), dtype: ScalarType.Float64, device: device).DetachFromDisposeScope();
        lossSinceLog = zeros(Array.Empty<long>(), dtype: ScalarType.Float64, device: device).DetachFromDisposeScope();
        correct = zeros(Array.Empty<long>(), dtype: ScalarType.Int64, device: device).DetachFromDisposeScope();
        correctTop5 = zeros(Array.Empty<long>(), dtype: ScalarType.Int64, device: device).DetachFromDisposeScope();
    }

    /// <summary>One step as the host sees it once read: its global gradient norm, and per parameter when known.</summary>
    public sealed record ObservedStep(long Step, bool Skipped, double GradientNorm, float[]? ParameterGradientNorms, ParameterUpdate? Update);

    private sealed record PendingStep(long Step, bool Skipped, Tensor? DeviceNorms, double GradientNorm, float[]? ParameterGradientNorms, ParameterUpdate? Update);

    /// <summary>Adds a batch's mean loss (× its size) and its top-1/top-5 hits; call inside the batch's dispose scope.</summary>
    public void AddBatch(Tensor batchLoss, Tensor logits, Tensor labels, int count)
    {
        using var noGrad = no_grad();
        using var size = ((double)count).ToScalar();
        var loss = batchLoss.to_type(ScalarType.Float64);
        lossSum.add_(loss.mul(size));
        lossSinceLog.add_(loss);
        batchesSinceLog++;
        correct.add_(logits.argmax(1).eq(labels).sum());
        if (topFive)
        {
            correctTop5.add_(logits.topk(5, dim: 1).indexes.eq(labels.unsqueeze(1)).any(1).sum());
        }
    }

    /// <summary>Remembers an optimizer step; its device norms are copied out of the batch's scope until the next read.</summary>
    public void AddStep(long step, StepOutcome outcome) =>
        pending.Add(new PendingStep(step, outcome.Skipped, outcome.DeviceGradientNorms?.detach().clone().DetachFromDisposeScope(),
            outcome.GradientNorm, outcome.ParameterGradientNorms, outcome.Update));

    /// <summary>Reads every remembered step (one device-to-host copy for all of them) in step order.</summary>
    public IReadOnlyList<ObservedStep> TakeSteps()
    {
        var deferred = pending.Where(p => p.DeviceNorms is not null).Select(p => p.DeviceNorms!).ToArray();
        float[] host = [];
        int width = deferred.Length > 0 ? (int)deferred[0].shape[0] : 0;
        if (deferred.Length > 0)
        {
            using var scope = NewDisposeScope();
            host = stack(deferred).cpu().data<float>().ToArray();
        }

        var observed = new List<ObservedStep>(pending.Count);
        int row = 0;
        foreach (var step in pending)
        {
            if (step.DeviceNorms is null)
            {
                observed.Add(new ObservedStep(step.Step, step.Skipped, step.GradientNorm, step.ParameterGradientNorms, step.Update));
                continue;
            }

            var norms = host.AsSpan(row * width, width);
            observed.Add(new ObservedStep(step.Step, step.Skipped, norms[^1], norms[..^1].ToArray(), step.Update));
            row++;
            step.DeviceNorms.Dispose();
        }

        pending.Clear();
        return observed;
    }

    /// <summary>The mean batch loss since the last call (one read).</summary>
    public double TakeMeanLossSinceLog()
    {
        double mean = lossSinceLog.item<double>() / Math.Max(batchesSinceLog, 1);
        lossSinceLog.zero_();
        batchesSinceLog = 0;
        return mean;
    }

    /// <summary>The batch losses summed since the last step-level point and their count (one read).</summary>
    public (double LossSum, int Batches) SinceLog() => (lossSinceLog.item<double>(), batchesSinceLog);

    /// <summary>Continues an epoch from the totals a mid-epoch checkpoint saved.</summary>
    public void Restore(double epochLossSum, long epochCorrect, long epochCorrectTop5, double lossSumSinceLog, int batchesSinceLastLog)
    {
        using var noGrad = no_grad();
        using (var value = epochLossSum.ToScalar())
        {
            lossSum.fill_(value);
        }

        using (var value = epochCorrect.ToScalar())
        {
            correct.fill_(value);
        }

        using (var value = epochCorrectTop5.ToScalar())
        {
            correctTop5.fill_(value);
        }

        using (var value = lossSumSinceLog.ToScalar())
        {
            lossSinceLog.fill_(value);
        }

        batchesSinceLog = batchesSinceLastLog;
    }

    /// <summary>The epoch's summed loss (× batch sizes) and hits (one read each, at the epoch's end).</summary>
    public (double LossSum, long Correct, long CorrectTop5) Totals() =>
        (lossSum.item<double>(), correct.item<long>(), topFive ? correctTop5.item<long>() : 0);

    public void Dispose()
    {
        foreach (var step in pending)
        {
            step.DeviceNorms?.Dispose();
        }

        lossSum.Dispose();
        lossSinceLog.Dispose();
        correct.Dispose();
        correctTop5.Dispose();
    }
}
