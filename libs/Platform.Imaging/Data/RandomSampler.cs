using Platform.Imaging.Transforms;

namespace Platform.Imaging.Data;

/// <summary>Every sample once per epoch, reshuffled each epoch from (seed, epoch).</summary>
public sealed class RandomSampler(int count, int seed) : ISampler
{
    public int SamplesPerEpoch { get; } = count >= 0 ? count : throw new ArgumentOutOfRangeException(nameof(count));

    public int[] Indices(int epoch)
    {
        int[] indices = [.. Enumerable.Range(0, SamplesPerEpoch)];
        var random = SampleRandom.ForEpoch(seed, epoch);
        random.Shuffle(indices);
        return indices;
    }
}
