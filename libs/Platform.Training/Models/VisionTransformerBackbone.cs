using System.Globalization;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// ViT backbone (Dosovitskiy et al. 2021): non-overlapping p×p patches embedded by a stride-p convolution
/// (<c>patch_embed</c>), a learned class token prepended, learned position embeddings added, pre-norm
/// <see cref="TransformerEncoderBlock"/>s (<c>blocks</c>), a final LayerNorm (<c>norm</c>), and the class token's
/// output as the feature vector [N, dim]. Position embeddings are sized for one image side, so inputs must be
/// exactly <see cref="ImageSize"/> square.
/// </summary>
public sealed class VisionTransformerBackbone : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d patch_embed;
    private readonly Parameter cls_token;
    private readonly Parameter pos_embed;
    private readonly Sequential blocks;
    private readonly LayerNorm norm;
    private readonly int imageSize;

    public VisionTransformerBackbone(int inputChannels, int imageSize, int patchSize, int dimension, int depth, int heads)
        : base(nameof(VisionTransformerBackbone))
    {
        this.imageSize = imageSize;
        var patchesPerSide = imageSize / patchSize;
        patch_embed = nn.Conv2d(inputChannels, dimension, patchSize, stride: patchSize);
        cls_token = nn.Parameter(zeros(1, 1, dimension));
        pos_embed = nn.Parameter(zeros(1, 1 + patchesPerSide * patchesPerSide, dimension));
        blocks = nn.Sequential(Enumerable.Range(0, depth)
            .Select(i => (i.ToString(CultureInfo.InvariantCulture), (nn.Module<Tensor, Tensor>)new TransformerEncoderBlock(dimension, heads))));
        norm = nn.LayerNorm(dimension, eps: TransformerEncoderBlock.LayerNormEpsilon);
        RegisterComponents();
    }

    public int ImageSize => imageSize;

    public override Tensor forward(Tensor images)
    {
        if (images.shape[2] != imageSize || images.shape[3] != imageSize)
        {
            throw new ArgumentException(
                $"This ViT was built for {imageSize}×{imageSize} inputs (its position embeddings fix the patch count); got {images.shape[2]}×{images.shape[3]}.",
                nameof(images));
        }

        using var scope = NewDisposeScope();
        var patches = patch_embed.call(images).flatten(2).transpose(1, 2);      // [N, T, dim]
        var classToken = cls_token.expand(images.shape[0], -1, -1);             // [N, 1, dim]
        var tokens = cat([classToken, patches], 1).PlusInPlace(pos_embed);
        var encoded = norm.call(blocks.call(tokens));
        return encoded.select(1, 0).MoveToOuterDisposeScope();                  // class token: [N, dim]
    }

    /// <summary>
    /// timm-style init: truncated normal (std 0.02, cut at ±2 std) for position embeddings, class token and every
    /// Linear, zero biases, LayerNorm 1/0; the patch embedding gets LeCun normal (std sqrt(1/fan_in)) like
    /// torchvision's conv_proj, so patch features start at unit scale whatever the patch size.
    /// </summary>
    internal void InitializeWeights()
    {
        using var _ = no_grad();
        WeightInit.TruncatedNormal(pos_embed, 0.02);
        WeightInit.TruncatedNormal(cls_token, 0.02);
        var fanIn = patch_embed.weight!.shape[1] * patch_embed.weight.shape[2] * patch_embed.weight.shape[3];
        WeightInit.TruncatedNormal(patch_embed.weight, Math.Sqrt(1.0 / fanIn));
        nn.init.zeros_(patch_embed.bias!);
    }
}
