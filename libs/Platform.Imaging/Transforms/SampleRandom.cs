namespace Platform.Imaging.Transforms;

/// <summary>
/// A small SplitMix64 generator. Every random decision for one sample comes from a generator derived from
/// (seed, epoch, sampleIndex), so augmentation does not depend on which worker thread ran first and can be
/// replayed exactly for any sample of any epoch.
/// </summary>
public struct SampleRandom
{
    private const ulong GoldenGamma = 0x9E3779B97F4A7C15UL;
    private ulong _state;

    public SampleRandom(ulong seed)
    {
        _state = seed;
    }

    /// <summary>A generator for one sample; the three inputs are mixed so neighbouring values give unrelated streams.</summary>
    public static SampleRandom ForSample(int seed, int epoch, int sampleIndex)
    {
        var state = Mix((ulong)(uint)seed + GoldenGamma);
        state = Mix(state ^ ((ulong)(uint)epoch + unchecked(2 * GoldenGamma)));
        state = Mix(state ^ ((ulong)(uint)sampleIndex + unchecked(3 * GoldenGamma)));
        return new SampleRandom(state);
    }

    /// <summary>A generator for whole-epoch decisions (sampler order).</summary>
    public static SampleRandom ForEpoch(int seed, int epoch) => ForSample(seed, epoch, -1);

    public ulong NextUInt64()
    {
        _state += GoldenGamma;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [low, high).</summary>
    public double NextUniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Standard normal (Box–Muller, one value per call: every draw takes the same two uniforms).</summary>
    public double NextGaussian()
    {
        var radius = Math.Sqrt(-2 * Math.Log(1 - NextDouble()));
        return radius * Math.Cos(2 * Math.PI * NextDouble());
    }

    /// <summary>Uniform integer in [0, exclusiveMax), without modulo bias (Lemire's multiply-shift with rejection).</summary>
    public int NextInt(int exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(exclusiveMax, 1);
        var range = (ulong)exclusiveMax;
        while (true)
        {
            var high = Math.BigMul(NextUInt64(), range, out var low);
            if (low >= (0UL - range) % range)
            {
                return (int)high;
            }
        }
    }

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle(Span<int> values)
    {
        for (var i = values.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
