using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Bench;

/// <summary>
/// Forward FLOPs of one image, counted per layer from the shapes seen in one real forward pass: Conv2d
/// 2·Cout·Hout·Wout·(Cin/groups)·k² and Linear 2·in·out (multiply-add = 2 FLOPs). BatchNorm, activations,
/// pooling and residual adds are left out (under 1% for the CNNs measured here). A training step is counted as
/// 3× forward: the backward pass computes one product for input gradients and one for weight gradients, each
/// the size of the forward one.
/// </summary>
internal static class FlopCounter
{
    public static long ForwardFlopsPerImage(nn.Module<Tensor, Tensor> model, int channels, int side)
    {
        long flops = 0;
        var removers = new List<Action>();
        foreach (var (_, module) in model.named_modules())
        {
            switch (module)
            {
                case Conv2d conv:
                    removers.Add(conv.register_forward_hook((m, input, output) =>
                    {
                        var weight = ((Conv2d)m).weight!;
                        // weight: [Cout, Cin/groups, kh, kw]; output: [1, Cout, Hout, Wout]
                        flops += 2 * output.shape[1] * output.shape[2] * output.shape[3] * weight.shape[1] * weight.shape[2] * weight.shape[3];
                        return output;
                    }).remove);
                    break;
                case Linear linear:
                    removers.Add(linear.register_forward_hook((m, input, output) =>
                    {
                        var weight = ((Linear)m).weight!;
                        flops += 2 * weight.shape[0] * weight.shape[1];
                        return output;
                    }).remove);
                    break;
            }
        }

        try
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var wasTraining = model.training;
            model.eval();
            model.call(zeros(1, channels, side, side));
            model.train(wasTraining);
        }
        finally
        {
            removers.ForEach(remove => remove());
        }

        return flops;
    }
}
