namespace Platform.Imaging.Data;

/// <summary>0, 1, …, count − 1 every epoch (evaluation).</summary>
public sealed class SequentialSampler(int count) : ISampler
{
    public int SamplesPerEpoch { get; } = count >= 0 ? count : throw new ArgumentOutOfRangeException(nameof(count));

    public int[] Indices(int epoch) => [.. Enumerable.Range(0, SamplesPerEpoch)];
}
