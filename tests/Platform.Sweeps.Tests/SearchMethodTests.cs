using System.Text.Json;
using Platform.Sweeps;

namespace Platform.Sweeps.Tests;

public sealed class SearchMethodTests
{
    private static JsonElement Json(object value) => JsonSerializer.SerializeToElement(value);

    [Fact]
    public void A_grid_enumerates_every_combination_once_with_the_last_parameter_fastest_then_ends()
    {
        var grid = new GridSearch([
            ParameterDomain.OfValues("lr", [Json(0.1), Json(0.01)]),
            new ParameterDomain("batchSize", DomainKind.IntUniform, [], 16, 48, 16),
        ]);

        var trials = Enumerable.Range(0, 6).Select(i => grid.Suggest(i, [])!).Select(p => $"{p["lr"]}/{p["batchSize"]}").ToList();

        Assert.Equal(["0.1/16", "0.1/32", "0.1/48", "0.01/16", "0.01/32", "0.01/48"], trials);
        Assert.Null(grid.Suggest(6, []));
    }

    [Fact]
    public void Quantised_and_log_uniform_draws_stay_in_range_on_their_step()
    {
        var dropout = new ParameterDomain("dropout", DomainKind.Uniform, [], 0.15, 0.5, 0.1);
        var lr = new ParameterDomain("lr", DomainKind.LogUniform, [], 1e-4, 1e-1, null);
        var random = new Random(3);

        var dropouts = Enumerable.Range(0, 200).Select(_ => dropout.Sample(random).GetDouble()).ToList();
        var lrs = Enumerable.Range(0, 2000).Select(_ => lr.Sample(random).GetDouble()).ToList();

        Assert.All(dropouts, d => Assert.Contains(d, new[] { 0.2, 0.3, 0.4, 0.5 }));
        Assert.All(lrs, v => Assert.InRange(v, 1e-4, 1e-1));
        // Log-uniform: each decade gets about a third of the draws.
        Assert.InRange(lrs.Count(v => v < 1e-3), 550, 790);
        Assert.Equal(["0.2", "0.3", "0.4", "0.5"], dropout.GridPoints().Select(p => p.GetRawText()));
    }

    [Fact]
    public void Random_search_is_a_function_of_the_seed_and_trial_number()
    {
        ParameterDomain[] space = [new("lr", DomainKind.LogUniform, [], 1e-4, 1e-1, null), ParameterDomain.OfValues("optimizer.kind", [Json("adamw"), Json("sgd")])];
        string Trial(int seed, int n) => string.Join(",", new RandomSearch(space, seed).Suggest(n, [])!.Values.Select(v => v.GetRawText()));

        Assert.Equal(Trial(5, 3), Trial(5, 3));
        Assert.NotEqual(Trial(5, 3), Trial(5, 4));
        Assert.NotEqual(Trial(5, 3), Trial(6, 3));
    }

    [Fact]
    public void Random_search_draws_of_successive_trials_are_independent()
    {
        ParameterDomain[] space = [new("x", DomainKind.Uniform, [], 0, 1, null), new("y", DomainKind.Uniform, [], 0, 1, null)];
        var search = new RandomSearch(space, 7);

        var draws = Enumerable.Range(0, 400).Select(n => search.Suggest(n, [])!).Select(p => (X: p["x"].GetDouble(), Y: p["y"].GetDouble())).ToList();

        // For independent draws the step from one trial's x to the next one's (modulo 1) is uniform; System.Random seeded with
        // seeds in arithmetic progression made it one constant, so a sweep's trials lay on a line.
        var tenths = draws.Zip(draws.Skip(1), (a, b) => (int)((b.X - a.X + 1) % 1 * 10)).GroupBy(t => t).Select(g => g.Count()).ToList();
        Assert.Equal(10, tenths.Count);
        Assert.All(tenths, count => Assert.InRange(count, 15, 65)); // 399 steps: 39.9 ± 6 a tenth
        Assert.InRange(Correlation(draws.SkipLast(1).Select(d => d.X).ToList(), draws.Skip(1).Select(d => d.X).ToList()), -0.15, 0.15);
        Assert.InRange(Correlation(draws.Select(d => d.X).ToList(), draws.Select(d => d.Y).ToList()), -0.15, 0.15);
    }

    [Fact]
    public void SplitMix64_gives_the_reference_outputs_and_unbiased_bounded_draws()
    {
        // Vigna's splitmix64.c from state 0.
        var reference = new SplitMix64Random(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, reference.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, reference.NextUInt64());
        Assert.Equal(0x06C45D188009454FUL, reference.NextUInt64());
        // NextDouble is the next output's top 53 bits over 2⁵³.
        Assert.Equal((0xE220A8397B1DCDAFUL >> 11) / 9007199254740992.0, new SplitMix64Random(0).NextDouble());

        var random = new SplitMix64Random(42);
        var picks = Enumerable.Range(0, 3000).Select(_ => random.Next(3)).ToList();
        Assert.All(picks, p => Assert.InRange(p, 0, 2));
        Assert.All(picks.GroupBy(p => p), g => Assert.InRange(g.Count(), 900, 1100));
        Assert.All(Enumerable.Range(0, 1000).Select(_ => random.Next(-5, 5)), v => Assert.InRange(v, -5, 4));
        Assert.Equal(7, random.Next(7, 7));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.Next(2, 1));
    }

    private static double Correlation(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var (meanA, meanB) = (a.Average(), b.Average());
        var covariance = a.Zip(b, (x, y) => (x - meanA) * (y - meanB)).Sum();
        return covariance / Math.Sqrt(a.Sum(x => (x - meanA) * (x - meanA)) * b.Sum(y => (y - meanB) * (y - meanB)));
    }

    [Fact]
    public void Tpe_is_deterministic_and_concentrates_its_suggestions_near_the_best_region()
    {
        ParameterDomain[] space = [new("x", DomainKind.Uniform, [], 0, 10, null)];
        // A toy objective whose best is at x = 7.
        double Score(double x) => -(x - 7) * (x - 7);
        List<TrialObservation> Run(int seed)
        {
            var tpe = new TreeParzenEstimator(space, seed);
            var observed = new List<TrialObservation>();
            for (var trial = 0; trial < 40; trial++)
            {
                var suggested = tpe.Suggest(trial, observed)!;
                observed.Add(new TrialObservation(suggested, Score(suggested["x"].GetDouble())));
            }
            return observed;
        }

        var first = Run(11);
        var again = Run(11);
        Assert.Equal(first.Select(o => o.Score), again.Select(o => o.Score));
        var late = first.Skip(20).Select(o => o.Parameters["x"].GetDouble()).ToList();
        // Random search would put about 20 % of its draws in [6, 8]; TPE after its start-up trials puts most of them there.
        Assert.True(late.Count(x => x is >= 6 and <= 8) >= 12, string.Join(", ", late));
        Assert.True(first.Max(o => o.Score) > -0.05);
    }

    [Fact]
    public void Tpe_prefers_the_categorical_value_of_the_good_trials()
    {
        ParameterDomain[] space = [ParameterDomain.OfValues("optimizer.kind", [Json("adamw"), Json("sgd"), Json("rmsprop")])];
        var observed = Enumerable.Range(0, 12).Select(i => new TrialObservation(
            new Dictionary<string, JsonElement> { ["optimizer.kind"] = space[0].Values[i % 3] }, i % 3 == 1 ? 1.0 : 0.0)).ToList();
        var tpe = new TreeParzenEstimator(space, 1);

        var picks = Enumerable.Range(12, 20).Select(t => tpe.Suggest(t, observed)!["optimizer.kind"].GetString()).ToList();

        Assert.True(picks.Count(p => p == "sgd") >= 15, string.Join(", ", picks));
    }
}
