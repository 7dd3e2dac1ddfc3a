using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Engine;

/// <summary>
/// Test-time augmentation by horizontal flip: the mean of the softmax probabilities of a batch and of its mirror image,
/// returned as log-probabilities. Those serve as logits: their softmax is the mean itself, their argmax its top class,
/// and cross-entropy on them is the negative log of the mean probability of the true class.
/// </summary>
public static class FlipAveraging
{
    private static readonly double LogTwo = Math.Log(2);

    /// <summary>The batch mirrored left to right (NCHW: the last axis).</summary>
    public static Tensor Mirror(Tensor images) => images.flip(3);

    /// <summary>log((softmax(<paramref name="logits"/>) + softmax(<paramref name="mirroredLogits"/>)) / 2), per row, in float32.</summary>
    public static Tensor LogMeanProbabilities(Tensor logits, Tensor mirroredLogits)
    {
        using var scope = NewDisposeScope();
        var views = stack([logits.to(ScalarType.Float32).log_softmax(1), mirroredLogits.to(ScalarType.Float32).log_softmax(1)]);
        // An explicit Scalar that lives through the native call (implicit ones can be finalized mid-call).
        using var logTwo = LogTwo.ToScalar();
        return views.logsumexp(0).sub_(logTwo).MoveToOuterDisposeScope();
    }
}
