namespace Platform.Sweeps;

/// <summary>
/// Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter Tuning", MLSys 2020) with Ray Tune's
/// <c>ASHAScheduler</c> semantics: rungs at gracePeriod × reductionFactor^k epochs; when a trial reaches a rung, the cutoff is the
/// (1 − 1/reductionFactor) percentile (linear interpolation, as numpy's) of the scores recorded at that rung by the trials that reached
/// it before; a trial below the cutoff is stopped, and its score is recorded either way. The first trial at a rung always goes on.
/// A rung at maxEpochs is the trial's end, so only rungs below it are decision points.
/// </summary>
public sealed class AshaScheduler : IEarlyStoppingRule
{
    public AshaScheduler(int gracePeriod, int reductionFactor, int maxEpochs)
    {
        if (gracePeriod < 1 || reductionFactor < 2 || maxEpochs < gracePeriod)
        {
            throw new ArgumentException("ASHA needs gracePeriod ≥ 1, reductionFactor ≥ 2 and maxEpochs ≥ gracePeriod.");
        }
        (GracePeriod, ReductionFactor, MaxEpochs) = (gracePeriod, reductionFactor, maxEpochs);
        var rungs = new List<int>();
        for (long rung = gracePeriod; rung < maxEpochs; rung *= reductionFactor)
        {
            rungs.Add((int)rung);
        }
        DecisionEpochs = rungs;
    }

    public string Kind => "asha";

    public int GracePeriod { get; }

    public int ReductionFactor { get; }

    public int MaxEpochs { get; }

    public IReadOnlyList<int> DecisionEpochs { get; }

    public PruneDecision Decide(RungContext context)
    {
        var score = context.TrialScores[context.Epoch - 1];
        if (context.RecordedAtEpoch.Count == 0)
        {
            return new PruneDecision(false, null, 0);
        }
        var cutoff = Percentile(context.RecordedAtEpoch, (1 - 1.0 / ReductionFactor) * 100);
        return new PruneDecision(score < cutoff, cutoff, context.RecordedAtEpoch.Count);
    }

    /// <summary>numpy's default percentile: linear interpolation between the closest ranks.</summary>
    public static double Percentile(IReadOnlyList<double> values, double percent)
    {
        var sorted = values.Order().ToArray();
        var position = percent / 100 * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
    }
}
