using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// Multiply–accumulate operations of one forward pass of one image, counted the way the ResNet, ViT, Swin and ConvNeXt
/// papers count "FLOPs": every convolution and Linear (output elements × inputs per output), plus the two attention
/// products q·kᵀ and a·v (2 · tokens² · dim per sequence); element-wise work (norms, activations, softmax) is left out.
/// </summary>
public static class ModelComplexity
{
    public static long MultiplyAdds(nn.Module<Tensor, Tensor> model, int channels, int imageSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        long total = 0;
        var hooks = new List<Action>();
        foreach (var module in model.modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    Track(hooks, conv.register_forward_hook((_, _, output) =>
                    {
                        total += output.numel() * (conv.in_channels / conv.groups) * conv.kernel_size.Aggregate(1L, (a, b) => a * b);
                        return output;
                    }));
                    break;
                case Linear linear:
                    Track(hooks, linear.register_forward_hook((_, _, output) =>
                    {
                        total += output.numel() * linear.in_features;
                        return output;
                    }));
                    break;
                case MultiHeadSelfAttention attention:
                    Track(hooks, attention.register_forward_hook((_, input, output) =>
                    {
                        total += AttentionProducts(input);
                        return output;
                    }));
                    break;
                case WindowAttention attention:
                    Track(hooks, attention.register_forward_hook((_, input, output) =>
                    {
                        total += AttentionProducts(input);
                        return output;
                    }));
                    break;
            }
        }

        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var device = model.parameters().FirstOrDefault()?.device ?? CPU;
            model.call(zeros([1, channels, imageSize, imageSize], device: device));
        }
        finally
        {
            foreach (var remove in hooks)
            {
                remove();
            }

            model.train(wasTraining);
        }

        return total;
    }

    private static void Track(List<Action> removers, nn.HookableModule<Func<nn.Module<Tensor, Tensor>, Tensor, Tensor>, Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, Tensor>>.HookRemover hook) =>
        removers.Add(hook.remove);

    // [sequences, tokens, dim]: q·kᵀ and a·v each cost tokens² · dim per sequence.
    private static long AttentionProducts(Tensor tokens) => 2 * tokens.shape[0] * tokens.shape[1] * tokens.shape[1] * tokens.shape[2];
}
