namespace Platform.Training.Doctor;

/// <summary>A step whose gradient norm rose above the spike factor × the median of the steps before it.</summary>
public sealed record GradientSpike(long Step, double Norm, double Median);
