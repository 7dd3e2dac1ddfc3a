namespace Platform.Training.Configuration.Architectures;

/// <summary>Per-channel mean and standard deviation of pixels in [0, 1].</summary>
public sealed record InputNormalization(float[] Mean, float[] Std);
