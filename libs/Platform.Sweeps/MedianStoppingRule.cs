namespace Platform.Sweeps;

/// <summary>
/// The median stopping rule (Golovin et al., "Google Vizier", KDD 2017) with Ray Tune's <c>MedianStoppingRule</c> semantics: after
/// epoch t beyond the grace period, a trial stops when its best score so far is below the median of the other trials' running means
/// (their mean score over epochs 1..t), among the trials that reached epoch t — once at least minSamples of them have.
/// </summary>
public sealed class MedianStoppingRule : IEarlyStoppingRule
{
    public MedianStoppingRule(int gracePeriod, int minSamples, int maxEpochs)
    {
        if (gracePeriod < 1 || minSamples < 1 || maxEpochs < 1)
        {
            throw new ArgumentException("The median rule needs gracePeriod ≥ 1, minSamples ≥ 1 and maxEpochs ≥ 1.");
        }
        (GracePeriod, MinSamples) = (gracePeriod, minSamples);
        DecisionEpochs = Enumerable.Range(gracePeriod + 1, Math.Max(0, maxEpochs - gracePeriod - 1)).ToList();
    }

    public string Kind => "median";

    public int GracePeriod { get; }

    public int MinSamples { get; }

    public IReadOnlyList<int> DecisionEpochs { get; }

    public PruneDecision Decide(RungContext context)
    {
        var t = context.Epoch;
        var runningMeans = context.OtherTrials.Where(scores => scores.Count >= t).Select(scores => scores.Take(t).Average()).ToList();
        if (t <= GracePeriod || runningMeans.Count < MinSamples)
        {
            return new PruneDecision(false, null, runningMeans.Count);
        }
        var median = AshaScheduler.Percentile(runningMeans, 50);
        var best = context.TrialScores.Take(t).Max();
        return new PruneDecision(best < median, median, runningMeans.Count);
    }
}
