namespace Platform.Imaging.Transforms;

/// <summary>One drawn operation and its argument (degrees, shear factor, pixels, bits, threshold or factor; see <see cref="AugmentOp"/>).</summary>
public readonly record struct AugmentStep(AugmentOp Op, double Argument = 0);
