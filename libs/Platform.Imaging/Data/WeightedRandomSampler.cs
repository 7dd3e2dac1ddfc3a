using Platform.Imaging.Transforms;
using Platform.Imaging.Formats.Data;

namespace Platform.Imaging.Data;

/// <summary>
/// Draws <see cref="SamplesPerEpoch"/> indices with replacement, each with probability proportional to its weight
/// (torch WeightedRandomSampler). <see cref="ClassBalanced"/> weights each sample by the inverse frequency of its
/// class, so every class is drawn equally often in expectation.
/// </summary>
public sealed class WeightedRandomSampler : ISampler
{
    private readonly double[] _cumulativeWeights;
    private readonly int _seed;

    public WeightedRandomSampler(IReadOnlyList<double> weights, int seed, int? samplesPerEpoch = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        _cumulativeWeights = new double[weights.Count];
        double total = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            if (weights[i] < 0 || !double.IsFinite(weights[i]))
            {
                throw new ArgumentOutOfRangeException(nameof(weights), weights[i], $"Weight {i} must be finite and not negative.");
            }

            total += weights[i];
            _cumulativeWeights[i] = total;
        }

        if (weights.Count > 0 && total <= 0)
        {
            throw new ArgumentException("At least one weight must be positive.", nameof(weights));
        }

        _seed = seed;
        SamplesPerEpoch = samplesPerEpoch ?? weights.Count;
        ArgumentOutOfRangeException.ThrowIfNegative(SamplesPerEpoch, nameof(samplesPerEpoch));
    }

    public int SamplesPerEpoch { get; }

    /// <summary>Weights 1 / (size of the sample's class); the epoch length defaults to the source size.</summary>
    public static WeightedRandomSampler ClassBalanced(ILabeledImageSource source, int seed, int? samplesPerEpoch = null)
    {
        var labels = Labels.Of(source);
        var classCounts = Labels.CountPerClass(labels, source.Classes.Count);
        return new WeightedRandomSampler([.. labels.Select(label => 1.0 / classCounts[label])], seed, samplesPerEpoch);
    }

    public int[] Indices(int epoch)
    {
        var indices = new int[SamplesPerEpoch];
        var random = SampleRandom.ForEpoch(_seed, epoch);
        var total = _cumulativeWeights[^1];
        for (var i = 0; i < indices.Length; i++)
        {
            var target = random.NextDouble() * total;
            // First index whose cumulative weight exceeds the target: zero-weight samples are never chosen.
            int low = 0, high = _cumulativeWeights.Length - 1;
            while (low < high)
            {
                var middle = (low + high) >>> 1;
                if (_cumulativeWeights[middle] > target)
                {
                    high = middle;
                }
                else
                {
                    low = middle + 1;
                }
            }

            indices[i] = low;
        }

        return indices;
    }
}
