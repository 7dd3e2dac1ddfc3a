namespace Platform.Imaging.Data;

/// <summary>
/// One batch: pixels NCHW as floats (exactly Count × Channels × Height × Width), labels as int64 for TorchSharp,
/// and the source indices of the samples in batch order.
/// </summary>
public sealed class ImageBatch
{
    internal ImageBatch(int batchNumber, int firstPosition, int count, int channels, int height, int width)
    {
        BatchNumber = batchNumber;
        FirstPosition = firstPosition;
        Count = count;
        Channels = channels;
        Height = height;
        Width = width;
        Pixels = new float[(long)count * channels * height * width];
        Labels = new long[count];
        SampleIndices = new int[count];
    }

    /// <summary>Position of this batch among the batches of its read of the epoch (0-based; 0 is the first batch a resumed epoch delivers).</summary>
    public int BatchNumber { get; }

    /// <summary>Position of the batch's first sample in the epoch's sampler order (0-based; the samples follow in order).</summary>
    public int FirstPosition { get; }

    public int Count { get; }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    public float[] Pixels { get; }

    public long[] Labels { get; }

    public int[] SampleIndices { get; }

    /// <summary>Shape for a tensor: { Count, Channels, Height, Width }.</summary>
    public long[] Shape => [Count, Channels, Height, Width];
}
