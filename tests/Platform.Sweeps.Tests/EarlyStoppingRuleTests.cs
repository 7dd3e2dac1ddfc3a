using Platform.Sweeps;

namespace Platform.Sweeps.Tests;

public sealed class EarlyStoppingRuleTests
{
    [Fact]
    public void Asha_rungs_are_grace_times_powers_of_the_reduction_factor_below_max_epochs()
    {
        Assert.Equal([1, 2], new AshaScheduler(1, 2, 4).DecisionEpochs);
        Assert.Equal([1, 3, 9, 27], new AshaScheduler(1, 3, 81).DecisionEpochs);
        Assert.Equal([2, 4], new AshaScheduler(2, 2, 5).DecisionEpochs);
        // Ray Tune's bracket, factor 3: max_t 4 has milestones 1 and 3; max_t 9 has 1, 3 and 9, where 9 = max_t ends the trial, no decision.
        Assert.Equal([1, 3], new AshaScheduler(1, 3, 4).DecisionEpochs);
        Assert.Equal([1, 3], new AshaScheduler(1, 3, 9).DecisionEpochs);
    }

    [Fact]
    public void Asha_lets_the_first_trial_at_a_rung_go_on_and_prunes_one_below_the_top_fraction()
    {
        var asha = new AshaScheduler(1, 2, 4);
        RungContext At(double score, params double[] recorded) => new(1, [score], recorded, []);

        Assert.False(asha.Decide(At(0.1)).Prune);
        // rf 2: cutoff is the median of what the rung recorded; with one value it is that value.
        Assert.True(asha.Decide(At(0.5, 0.6)).Prune);
        Assert.False(asha.Decide(At(0.6, 0.6)).Prune);
        // numpy's percentile(… , 50) of [0.2, 0.4, 0.9] is 0.4, of [0.2, 0.4] 0.3.
        var decision = asha.Decide(At(0.35, 0.2, 0.4, 0.9));
        Assert.True(decision.Prune);
        Assert.Equal(0.4, decision.Threshold!.Value, 12);
        Assert.False(asha.Decide(At(0.35, 0.2, 0.4)).Prune);
    }

    [Fact]
    public void Asha_with_reduction_factor_three_keeps_the_top_third()
    {
        var asha = new AshaScheduler(1, 3, 9);
        // percentile(…, 66.67) of [0, 0.3, 0.6, 0.9]: position 2, so 0.6.
        var cutoff = asha.Decide(new RungContext(1, [0.59], [0, 0.3, 0.6, 0.9], [])).Threshold!.Value;
        Assert.Equal(0.6, cutoff, 9);
    }

    [Fact]
    public void Median_rule_compares_the_best_so_far_with_the_median_of_others_running_means_after_the_grace_period()
    {
        var rule = new MedianStoppingRule(gracePeriod: 1, minSamples: 2, maxEpochs: 5);
        IReadOnlyList<double>[] others = [[0.5, 0.7, 0.9], [0.4, 0.6, 0.8], [0.1]];

        Assert.Equal([2, 3, 4], rule.DecisionEpochs);
        // Running means at epoch 2: 0.6 and 0.5 (the third trial has not reached epoch 2): median 0.55.
        var pruned = rule.Decide(new RungContext(2, [0.5, 0.52], [], others));
        Assert.True(pruned.Prune);
        Assert.Equal(0.55, pruned.Threshold!.Value, 12);
        Assert.False(rule.Decide(new RungContext(2, [0.56, 0.3], [], others)).Prune);
        // Too few others that reached the epoch: go on.
        Assert.False(rule.Decide(new RungContext(4, [0.1, 0.1, 0.1, 0.1], [], others)).Prune);
    }
}
