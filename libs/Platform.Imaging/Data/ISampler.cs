namespace Platform.Imaging.Data;

/// <summary>Decides which samples an epoch visits and in what order; the same epoch always gives the same order.</summary>
public interface ISampler
{
    /// <summary>How many indices <see cref="Indices"/> returns for every epoch.</summary>
    int SamplesPerEpoch { get; }

    int[] Indices(int epoch);
}
