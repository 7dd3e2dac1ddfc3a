namespace Platform.Training.Engine;

/// <summary>One top-level block's figures over an epoch (<see cref="BlockLayout"/>).</summary>
/// <param name="Block">Its name: <c>stem</c>, a backbone child's name (<c>layer1</c>), or <c>head</c>.</param>
/// <param name="GradientNorm">Mean L2 norm of the block's gradients over the epoch's finite steps; null when it has none (frozen).</param>
/// <param name="WeightNorm">L2 norm of the block's weights at the end of the epoch.</param>
/// <param name="UpdateRatio">Mean ‖Δw‖ / ‖w‖ of one optimizer step, sampled at the logged steps; null when none was sampled.</param>
public sealed record BlockFigures(string Block, double? GradientNorm, double WeightNorm, double? UpdateRatio);
