using Platform.Imaging.Data;

namespace Platform.Imaging.Tests.Data;

public class SamplerTests
{
    // 900 / 90 / 10: a strongly imbalanced three-class set.
    private static readonly int[] ImbalancedLabels =
        [.. Enumerable.Repeat(0, 900), .. Enumerable.Repeat(1, 90), .. Enumerable.Repeat(2, 10)];

    [Fact]
    public void Sequential_sampler_visits_every_index_in_order()
    {
        Assert.Equal([0, 1, 2, 3, 4], new SequentialSampler(5).Indices(3));
    }

    [Fact]
    public void Random_sampler_is_a_permutation_reshuffled_each_epoch_and_repeatable()
    {
        var sampler = new RandomSampler(1000, seed: 42);
        var first = sampler.Indices(0);
        Assert.Equal(Enumerable.Range(0, 1000), first.Order());
        Assert.Equal(first, sampler.Indices(0));
        Assert.Equal(first, new RandomSampler(1000, seed: 42).Indices(0));
        Assert.NotEqual(first, sampler.Indices(1));
        Assert.NotEqual(first, new RandomSampler(1000, seed: 43).Indices(0));
    }

    [Fact]
    public void Class_balanced_sampler_draws_classes_about_equally_often()
    {
        var source = InMemorySource.WithLabels(ImbalancedLabels, 3);
        var sampler = WeightedRandomSampler.ClassBalanced(source, seed: 1, samplesPerEpoch: 30_000);
        var frequencies = sampler.Indices(0).GroupBy(source.GetLabel).ToDictionary(g => g.Key, g => g.Count() / 30_000.0);

        // Each class expects 1/3; the binomial standard deviation is 0.0027, so ±0.02 is over 7 sigma.
        Assert.Equal(3, frequencies.Count);
        Assert.All(frequencies.Values, f => Assert.InRange(f, 1 / 3.0 - 0.02, 1 / 3.0 + 0.02));
    }

    [Fact]
    public void Weighted_sampler_never_draws_zero_weight_samples()
    {
        var sampler = new WeightedRandomSampler([0, 1, 0, 3, 0], seed: 3, samplesPerEpoch: 4000);
        var counts = sampler.Indices(0).GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal([1, 3], counts.Keys.Order());
        Assert.InRange(counts[3] / 4000.0, 0.72, 0.78);
    }

    [Fact]
    public void Oversampling_tops_every_class_up_to_the_largest_and_keeps_every_sample()
    {
        var source = InMemorySource.WithLabels(ImbalancedLabels, 3);
        var indices = ClassResamplingSampler.Oversample(source, seed: 5).Indices(0);

        Assert.Equal(2700, indices.Length);
        Assert.All(indices.GroupBy(source.GetLabel), g => Assert.Equal(900, g.Count()));
        Assert.Equal(Enumerable.Range(0, 1000), indices.Distinct().Order());
        // The 10 minority samples are repeated evenly: 90 times each.
        Assert.All(indices.Where(i => source.GetLabel(i) == 2).GroupBy(i => i), g => Assert.Equal(90, g.Count()));
    }

    [Fact]
    public void Undersampling_cuts_every_class_to_the_smallest_with_a_fresh_subset_each_epoch()
    {
        var source = InMemorySource.WithLabels(ImbalancedLabels, 3);
        var sampler = ClassResamplingSampler.Undersample(source, seed: 5);
        var first = sampler.Indices(0);

        Assert.Equal(30, first.Length);
        Assert.Equal(30, first.Distinct().Count());
        Assert.All(first.GroupBy(source.GetLabel), g => Assert.Equal(10, g.Count()));
        Assert.NotEqual(first.Order(), sampler.Indices(1).Order());
    }
}
