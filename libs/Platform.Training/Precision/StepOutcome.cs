using static TorchSharp.torch;

namespace Platform.Training.Precision;

/// <summary>What one optimizer step produced. Tensors belong to the caller's dispose scope.</summary>
/// <param name="Loss">Unscaled float32 batch loss (a scalar tensor).</param>
/// <param name="Logits">The forward pass's logits, [N, K].</param>
/// <param name="GradientNorm">Global L2 norm of the (unscaled) gradients before clipping; inf/NaN on overflow.</param>
/// <param name="Skipped">True when the step was skipped because the gradients overflowed.</param>
/// <param name="Applied">False for a micro-batch whose gradients were only accumulated (gradient accumulation): no
/// optimizer step was due, and <paramref name="GradientNorm"/> is NaN.</param>
public sealed record StepOutcome(Tensor Loss, Tensor Logits, double GradientNorm, bool Skipped, bool Applied = true)
{
    /// <summary>Each master parameter's gradient norm before clipping (NaN without a gradient); null for an accumulated micro-batch.</summary>
    public float[]? ParameterGradientNorms { get; init; }

    /// <summary>
    /// With <see cref="TrainingStepper.KeepNormsOnDevice"/>: every master parameter's gradient norm (NaN without a gradient)
    /// followed by the global norm, a float32 tensor on the first device that nothing has read yet; then
    /// <see cref="GradientNorm"/> is NaN and <see cref="ParameterGradientNorms"/> null, and the caller reads this later.
    /// </summary>
    public Tensor? DeviceGradientNorms { get; init; }

    /// <summary>The step's update and weight norms per parameter, when asked for and the step was taken.</summary>
    public ParameterUpdate? Update { get; init; }
}
