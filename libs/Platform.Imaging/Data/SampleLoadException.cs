namespace Platform.Imaging.Data;

/// <summary>A sample could not be loaded or transformed; names the source index and keeps the cause.</summary>
public sealed class SampleLoadException(int sampleIndex, Exception innerException)
    : Exception($"Sample {sampleIndex} could not be loaded: {innerException.Message}", innerException)
{
    public int SampleIndex { get; } = sampleIndex;
}
