namespace Platform.Training.Configuration;

/// <param name="Kind">Which loss.</param>
/// <param name="LabelSmoothing">Cross-entropy kinds: ε in [0, 1); targets become (1 − ε)·onehot + ε/K.</param>
/// <param name="Gamma">Focal: focusing exponent γ ≥ 0 (0 gives cross-entropy).</param>
/// <param name="Alpha">Focal: one weight α for every class; null = 1.</param>
/// <param name="ClassAlpha">Focal: one weight per class (overrides Alpha).</param>
public sealed record LossOptions(
    LossKind Kind = LossKind.CrossEntropy,
    double LabelSmoothing = 0,
    double Gamma = 2,
    double? Alpha = null,
    double[]? ClassAlpha = null);
