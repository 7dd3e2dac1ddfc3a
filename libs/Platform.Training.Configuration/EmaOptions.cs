namespace Platform.Training.Configuration;

/// <summary>An exponential moving average of the weights (Polyak averaging, timm's <c>ModelEma</c>), updated after
/// every optimizer step: ema ← d·ema + (1 − d)·w.</summary>
/// <param name="Decay">d, in [0, 1): 0.999 averages over roughly the last 1,000 steps, 0.9998 over 5,000.</param>
/// <param name="Warmup">Use d_t = min(d, (1 + t) / (10 + t)) at update t, so that early averages are not dominated
/// by the random initialisation in short runs.</param>
public sealed record EmaOptions(double Decay = 0.9998, bool Warmup = true);
