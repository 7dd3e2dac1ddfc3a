using Platform.Imaging;
using Platform.Imaging.Formats;

namespace Platform.Ingest.Processing;

/// <summary>Per-channel mean and standard deviation on the [0, 1] scale, accumulated image by image.</summary>
public sealed class RunningChannelStatistics(int channels)
{
    private readonly double[] sum = new double[channels];
    private readonly double[] sumOfSquares = new double[channels];
    private long pixels;

    public void Add(ImageBuffer image)
    {
        var data = image.Pixels;
        for (var i = 0; i < data.Length; i += channels)
        {
            for (var c = 0; c < channels; c++)
            {
                double value = data[i + c];
                sum[c] += value;
                sumOfSquares[c] += value * value;
            }
        }
        pixels += data.Length / channels;
    }

    public (float[] Mean, float[] Std) Result()
    {
        var mean = new float[channels];
        var std = new float[channels];
        for (var c = 0; c < channels && pixels > 0; c++)
        {
            var m = sum[c] / pixels;
            mean[c] = (float)(m / 255.0);
            std[c] = (float)(Math.Sqrt(Math.Max(0, sumOfSquares[c] / pixels - m * m)) / 255.0);
        }
        return (mean, std);
    }
}
