using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// Residual sums through a Scalar that stays alive. TorchSharp's <c>a + b</c> and <c>add_(b)</c> pass their implicit
/// alpha of 1 as a temporary Scalar that nothing references during the native call, so a finalizer run in that window
/// frees it mid-call (libtorch then fails with "Expected false to be true … toFloat"; CI saw it once in a ResNet-34
/// export). Every block's residual goes through here, the hottest place such a temporary is made.
/// </summary>
public static class ResidualSum
{
    private static readonly Scalar One = 1.ToScalar();

    /// <summary><paramref name="branch"/> + <paramref name="shortcut"/> as a new tensor.</summary>
    public static Tensor Plus(this Tensor branch, Tensor shortcut) => branch.add(shortcut, One);

    /// <summary>Adds <paramref name="shortcut"/> into <paramref name="branch"/> in place and returns it.</summary>
    public static Tensor PlusInPlace(this Tensor branch, Tensor shortcut) => branch.add_(shortcut, One);
}
