namespace Platform.Training.Configuration;

/// <param name="Kind">adamw (decoupled weight decay, Loshchilov &amp; Hutter 2019) or sgd.</param>
/// <param name="Beta1">AdamW: decay of the gradient's running mean.</param>
/// <param name="Beta2">AdamW: decay of the squared gradient's running mean.</param>
/// <param name="Eps">AdamW: added to the denominator for stability.</param>
/// <param name="Momentum">SGD: momentum factor (0 switches momentum off).</param>
/// <param name="Nesterov">SGD: Nesterov momentum (needs Momentum &gt; 0).</param>
public sealed record OptimizerOptions(
    OptimizerKind Kind = OptimizerKind.AdamW,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Eps = 1e-8,
    double Momentum = 0.9,
    bool Nesterov = false);
