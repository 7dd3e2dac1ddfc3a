namespace Platform.Training.Checkpoints;

/// <summary>Whether weights are the optimizer's own (raw) or their exponential moving average.</summary>
public enum WeightsSource
{
    Raw,
    Ema,
}
