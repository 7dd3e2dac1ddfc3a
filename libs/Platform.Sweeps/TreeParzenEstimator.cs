using System.Text.Json;

namespace Platform.Sweeps;

/// <summary>
/// The Tree-structured Parzen Estimator of Bergstra, Bardenet, Bengio and Kégl, "Algorithms for Hyper-Parameter Optimization"
/// (NeurIPS 2011), §4, with hyperopt's defaults. After <see cref="StartupTrials"/> random trials, the observations are split at the
/// γ-quantile of their scores into good ones (the best ⌈γ·n⌉) and the rest; for each parameter independently a Parzen density
/// l(x) is fitted to the good values and g(x) to the others, each with the prior as one more component, and of
/// <see cref="Candidates"/> draws from l the one with the highest l(x)/g(x) is taken — which maximises expected improvement (§4.1).
/// Numeric parameters use Gaussian kernels in the internal coordinate (log for log-uniform), truncated to the range, with
/// hyperopt's bandwidth (the distance to the farther neighbour, clipped); lists of values use counts plus one prior count each.
/// </summary>
public sealed class TreeParzenEstimator(IReadOnlyList<ParameterDomain> parameters, int seed) : ISearchMethod
{
    public const int StartupTrials = 5;
    public const double Gamma = 0.25;
    public const int Candidates = 24;

    public IReadOnlyDictionary<string, JsonElement>? Suggest(int trial, IReadOnlyList<TrialObservation> observations)
    {
        var random = RandomSearch.TrialRandom(seed, trial);
        if (observations.Count < StartupTrials)
        {
            return parameters.ToDictionary(p => p.Path, p => p.Sample(random), StringComparer.Ordinal);
        }
        // Best first; ties keep trial order, so the split is deterministic.
        var ranked = observations.Select((o, i) => (o, i)).OrderByDescending(x => x.o.Score).ThenBy(x => x.i).Select(x => x.o).ToList();
        var goodCount = Math.Max(1, (int)Math.Ceiling(Gamma * ranked.Count));
        var good = ranked.Take(goodCount).ToList();
        var bad = ranked.Skip(goodCount).ToList();
        var chosen = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var domain in parameters)
        {
            double[] Coordinates(IEnumerable<TrialObservation> set) =>
                set.Where(o => o.Parameters.ContainsKey(domain.Path)).Select(o => domain.ToInternal(o.Parameters[domain.Path])).Where(c => c >= domain.InternalMin - 1e-9 || domain.Kind == DomainKind.Values).ToArray();
            var (goodValues, badValues) = (Coordinates(good), Coordinates(bad));
            chosen[domain.Path] = domain.Kind == DomainKind.Values
                ? SuggestCategorical(domain, goodValues, badValues, random)
                : SuggestNumeric(domain, goodValues, badValues, random);
        }
        return chosen;
    }

    private static JsonElement SuggestCategorical(ParameterDomain domain, double[] good, double[] bad, Random random)
    {
        var count = domain.Values.Count;
        double[] Weights(double[] indices)
        {
            var weights = Enumerable.Repeat(1.0, count).ToArray();
            foreach (var index in indices.Where(i => i >= 0))
            {
                weights[(int)index] += 1;
            }
            var total = weights.Sum();
            return weights.Select(w => w / total).ToArray();
        }
        var (l, g) = (Weights(good), Weights(bad));
        var best = -1;
        var bestRatio = double.NegativeInfinity;
        for (var c = 0; c < Candidates; c++)
        {
            var draw = Draw(l, random);
            var ratio = Math.Log(l[draw]) - Math.Log(g[draw]);
            if (ratio > bestRatio)
            {
                (best, bestRatio) = (draw, ratio);
            }
        }
        return domain.Values[best];
    }

    private static int Draw(double[] probabilities, Random random)
    {
        var u = random.NextDouble();
        for (var i = 0; i < probabilities.Length; i++)
        {
            u -= probabilities[i];
            if (u <= 0)
            {
                return i;
            }
        }
        return probabilities.Length - 1;
    }

    private static JsonElement SuggestNumeric(ParameterDomain domain, double[] good, double[] bad, Random random)
    {
        var (low, high) = (domain.InternalMin, domain.InternalMax);
        var l = ParzenDensity.Fit(good, low, high);
        var g = ParzenDensity.Fit(bad, low, high);
        var best = 0.0;
        var bestRatio = double.NegativeInfinity;
        for (var c = 0; c < Candidates; c++)
        {
            var draw = l.Sample(random);
            var ratio = l.LogDensity(draw) - g.LogDensity(draw);
            if (ratio > bestRatio)
            {
                (best, bestRatio) = (draw, ratio);
            }
        }
        return domain.FromInternal(best);
    }
}
