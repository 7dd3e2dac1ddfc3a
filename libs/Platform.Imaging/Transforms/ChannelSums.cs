namespace Platform.Imaging.Transforms;

/// <summary>Per-channel sums of an image, accumulated row by row in double so a large plane loses no precision.</summary>
internal struct ChannelSums
{
    private double _red;
    private double _green;
    private double _blue;

    public void Add(float red, float green, float blue)
    {
        _red += red;
        _green += green;
        _blue += blue;
    }

    /// <summary>The mean grayscale value, weighted as <see cref="ColorAdjustments.GrayscaleMean"/> does.</summary>
    public readonly float GrayMean(int channels, int plane) => channels == 1
        ? (float)(_red / plane)
        : (float)((0.2989f * _red + 0.587f * _green + 0.114f * _blue) / plane);
}
