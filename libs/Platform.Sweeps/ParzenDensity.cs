namespace Platform.Sweeps;

/// <summary>
/// A mixture of Gaussians truncated to [low, high], one per observation plus the prior (centred, σ = the range), with equal
/// weights: hyperopt's adaptive Parzen estimator. Each observation's σ is the distance to its farther neighbour (the range's ends
/// count as neighbours), clipped to [range / min(100, n + 1), range] so that no kernel collapses or covers more than the prior.
/// </summary>
public sealed class ParzenDensity
{
    private readonly double low;
    private readonly double high;
    private readonly double[] means;
    private readonly double[] sigmas;
    private readonly double[] masses;

    private ParzenDensity(double low, double high, double[] means, double[] sigmas)
    {
        (this.low, this.high, this.means, this.sigmas) = (low, high, means, sigmas);
        masses = means.Select((m, i) => Math.Max(1e-12, NormalCdf((high - m) / sigmas[i]) - NormalCdf((low - m) / sigmas[i]))).ToArray();
    }

    public static ParzenDensity Fit(IReadOnlyList<double> observations, double low, double high)
    {
        var range = high - low;
        var sorted = observations.Select(o => Math.Clamp(o, low, high)).Order().ToArray();
        var minSigma = range / Math.Min(100, sorted.Length + 1);
        var means = new List<double> { (low + high) / 2 };
        var sigmas = new List<double> { range };
        for (var i = 0; i < sorted.Length; i++)
        {
            var left = sorted[i] - (i > 0 ? sorted[i - 1] : low);
            var right = (i + 1 < sorted.Length ? sorted[i + 1] : high) - sorted[i];
            means.Add(sorted[i]);
            sigmas.Add(Math.Clamp(Math.Max(left, right), minSigma, range));
        }
        return new ParzenDensity(low, high, [.. means], [.. sigmas]);
    }

    public double LogDensity(double x)
    {
        var density = 0.0;
        for (var i = 0; i < means.Length; i++)
        {
            var z = (x - means[i]) / sigmas[i];
            density += Math.Exp(-0.5 * z * z) / (sigmas[i] * Math.Sqrt(2 * Math.PI) * masses[i]);
        }
        return Math.Log(density / means.Length + 1e-300);
    }

    /// <summary>A draw: a component chosen uniformly, then its Gaussian until the draw falls within the range.</summary>
    public double Sample(Random random)
    {
        var component = random.Next(means.Length);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            // Box–Muller.
            var u1 = 1.0 - random.NextDouble();
            var u2 = random.NextDouble();
            var draw = means[component] + sigmas[component] * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            if (draw >= low && draw <= high)
            {
                return draw;
            }
        }
        return Math.Clamp(means[component], low, high);
    }

    /// <summary>Φ(z) through erf, with Abramowitz and Stegun's 7.1.26 approximation (error below 1.5e-7).</summary>
    public static double NormalCdf(double z)
    {
        var x = Math.Abs(z) / Math.Sqrt(2);
        var t = 1 / (1 + 0.3275911 * x);
        var erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
