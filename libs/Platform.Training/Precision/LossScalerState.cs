namespace Platform.Training.Precision;

/// <summary>Serialisable state of a <see cref="DynamicLossScaler"/>.</summary>
public sealed record LossScalerState(double Scale, int GoodSteps, long SkippedSteps);
