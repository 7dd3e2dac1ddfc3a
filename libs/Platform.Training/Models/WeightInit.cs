using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// The initialisations torchvision uses, applied over a whole module tree, so each architecture states its
/// choice in one line.
/// </summary>
internal static class WeightInit
{
    /// <summary>
    /// He et al. 2015 normal init with fan_out and ReLU gain for convolutions (std = sqrt(2 / (out·k·k / groups)),
    /// torchvision's choice for ResNet, VGG and MobileNet), zero conv biases, and BatchNorm weight 1, bias 0.
    /// </summary>
    public static void ConvolutionsAndNorms(nn.Module module)
    {
        using var _ = no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            switch (child)
            {
                case Conv2d conv:
                    nn.init.kaiming_normal_(conv.weight, mode: nn.init.FanInOut.FanOut, nonlinearity: nn.init.NonlinearityType.ReLU);
                    if (conv.bias is not null)
                    {
                        nn.init.zeros_(conv.bias);
                    }
                    break;
                case BatchNorm2d norm:
                    nn.init.ones_(norm.weight);
                    nn.init.zeros_(norm.bias);
                    break;
            }
        }
    }

    /// <summary>Normal(0, std) weights and zero biases for every Linear (torchvision VGG/MobileNet use std 0.01).</summary>
    public static void LinearNormal(nn.Module module, double std)
    {
        using var _ = no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            if (child is Linear linear)
            {
                nn.init.normal_(linear.weight, 0.0, std);
                if (linear.bias is not null)
                {
                    nn.init.zeros_(linear.bias);
                }
            }
        }
    }

    /// <summary>
    /// Truncated normal (std, cut at ±2 std) weights and zero biases for every Linear, LayerNorm weight 1 bias 0:
    /// the ViT/timm scheme. Small weights keep the residual stream near identity at the start of training.
    /// </summary>
    public static void TransformerLinearsAndNorms(nn.Module module, double std)
    {
        using var _ = no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            switch (child)
            {
                case Linear linear:
                    TruncatedNormal(linear.weight, std);
                    if (linear.bias is not null)
                    {
                        nn.init.zeros_(linear.bias);
                    }
                    break;
                case LayerNorm norm:
                    nn.init.ones_(norm.weight);
                    nn.init.zeros_(norm.bias);
                    break;
            }
        }
    }

    /// <summary>
    /// Normal(0, std) truncated to ±2 std by inverse-CDF sampling (as PyTorch's trunc_normal_ does):
    /// u ~ U(Φ(-2), Φ(2)), x = std·√2·erfinv(2u − 1). TorchSharp 0.107's <c>nn.init.trunc_normal_</c> fills the
    /// tensor with a constant instead, so it is not used.
    /// </summary>
    public static void TruncatedNormal(Tensor tensor, double std)
    {
        using var _ = no_grad();
        const double normalCdfAtTwo = 0.97724986805182079; // Φ(2)
        tensor.uniform_(2 * (1 - normalCdfAtTwo) - 1, 2 * normalCdfAtTwo - 1).erfinv_().mul_(std * Math.Sqrt(2.0)).clamp_(-2 * std, 2 * std);
    }
}
