using Platform.Training.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Precision;

/// <summary>
/// Which operations run in fp16/bf16 and which in fp32 under mixed precision: PyTorch autocast's policy (its
/// "lower precision" list holds conv2d, linear, matmul and bmm; its "fp32" list layer_norm, softmax and the losses),
/// implemented here because TorchSharp has no autocast. This type is the only place the policy is stated.
/// <list type="bullet">
/// <item>Conv2d and Linear run in the compute type: <see cref="Apply"/> stores their weights and biases in it (a
/// low-precision copy of the fp32 masters, refreshed after every optimizer step: autocast's weight-cast cache, which
/// also lives for one forward) and casts their input to it.</item>
/// <item>Attention's matrix products q·kᵀ and a·v run through <see cref="MatMul"/>, in the lower precision of their
/// operands.</item>
/// <item>BatchNorm2d, LayerNorm, <see cref="ChannelsFirstLayerNorm"/> and Softmax run in fp32: their parameters and
/// buffers stay fp32 and their input is cast to fp32. Batch norm is stricter than CUDA autocast, which runs cuDNN's
/// batch norm on fp16 input with fp32 statistics; in fp32 the running statistics never round to fp16.</item>
/// <item>The loss runs in fp32 on fp32 logits (<see cref="ForLoss"/>).</item>
/// <item>Everything else (activations, pooling, residual sums, layer scale, position embeddings) runs in the type of
/// its input, with PyTorch's type promotion where fp16 meets fp32 (autocast's "promote" ops): a residual stream
/// that leaves a norm in fp32 stays fp32.</item>
/// </list>
/// Gradients flow back through the casts: the low-precision weights' gradients are converted to fp32 and summed into
/// the fp32 masters (<see cref="TrainingStepper"/>), as autocast's cast backward does. The fp32 master model, which
/// the optimizer updates, evaluation runs, and checkpoints and export read, is never touched by this policy.
/// </summary>
public static class MixedPrecisionPolicy
{
    /// <summary>Makes <paramref name="model"/> (a compute replica, not the master) follow the policy for <paramref name="computeType"/>.</summary>
    public static void Apply(nn.Module model, ScalarType computeType)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (computeType == ScalarType.Float32)
        {
            return;
        }

        if (computeType is not (ScalarType.Float16 or ScalarType.BFloat16))
        {
            throw new ArgumentOutOfRangeException(nameof(computeType), computeType, "Mixed precision computes in Float16 or BFloat16.");
        }

        foreach (var (_, module) in model.named_modules())
        {
            switch (module)
            {
                case Conv2d or Linear:
                    var lowPrecision = (nn.Module<Tensor, Tensor>)module;
                    lowPrecision.to(computeType);
                    lowPrecision.register_forward_pre_hook((_, input) => CastTo(input, computeType));
                    break;
                case BatchNorm2d or LayerNorm or ChannelsFirstLayerNorm or Softmax:
                    ((nn.Module<Tensor, Tensor>)module).register_forward_pre_hook((_, input) => CastTo(input, ScalarType.Float32));
                    break;
            }
        }
    }

    /// <summary>
    /// A matrix product in the lower precision of its operands: fp32 softmax weights times fp16 values runs in fp16,
    /// as autocast casts matmul's inputs; two fp32 operands (an fp32 model) stay fp32.
    /// </summary>
    public static Tensor MatMul(Tensor left, Tensor right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (left.dtype == right.dtype)
        {
            return left.matmul(right);
        }

        var type = IsLowPrecision(left.dtype) ? left.dtype : right.dtype;
        using var castLeft = left.dtype == type ? null : left.to_type(type);
        using var castRight = right.dtype == type ? null : right.to_type(type);
        return (castLeft ?? left).matmul(castRight ?? right);
    }

    /// <summary>Logits as the loss sees them: fp32 (autocast runs cross-entropy in fp32).</summary>
    public static Tensor ForLoss(Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        return logits.dtype == ScalarType.Float32 ? logits : logits.to_type(ScalarType.Float32);
    }

    private static bool IsLowPrecision(ScalarType type) => type is ScalarType.Float16 or ScalarType.BFloat16;

    private static Tensor CastTo(Tensor input, ScalarType type) => input.dtype == type || !input.is_floating_point() ? input : input.to_type(type);
}
