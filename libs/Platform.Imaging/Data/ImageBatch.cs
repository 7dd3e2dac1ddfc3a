namespace Platform.Imaging.Data;

/// <summary>
/// One batch: pixels NCHW as floats (exactly Count × Channels × Height × Width), labels as int64 for TorchSharp,
/// and the source indices of the samples in batch order.
/// </summary>
public sealed class ImageBatch
{
    internal ImageBatch(int batchNumber, int count, int channels, int height, int width)
    {
        BatchNumber = batchNumber;
        Count = count;
        Channels = channels;
        Height = height;
        Width = width;
        Pixels = new float[(long)count * channels * height * width];
        Labels = new long[count];
        SampleIndices = new int[count];
    }

    /// <summary>Position of this batch within its epoch (0-based).</summary>
    public int BatchNumber { get; }

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
