using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Models;

/// <summary>
/// Every registry model: <c>backbone</c> maps images [N, C, H, W] to pooled features [N, F], and <c>head</c>
/// (Dropout then Linear(F, classes)) maps features to logits. The split is what feature extraction freezes and
/// what staged fine-tuning gives a lower learning rate, so nothing trainable lives outside these two children.
/// </summary>
/// <remarks>
/// For exporters walking <c>named_children()</c>: the trees contain only Sequential, the leaf types Conv2d,
/// BatchNorm2d, ReLU, ReLU6, Hardswish, Hardsigmoid, GELU, MaxPool2d, AdaptiveAvgPool2d (output 1, or 7 in VGG),
/// Flatten, Linear, Dropout, LayerNorm and Softmax (a child of the attention composites, so that mixed precision can
/// run it in fp32), and the composites <see cref="BasicBlock"/>, <see cref="Bottleneck"/>,
/// <see cref="InvertedResidual"/>, <see cref="SqueezeExcitation"/>, <see cref="TransformerEncoderBlock"/> (with
/// <see cref="MultiHeadSelfAttention"/>), <see cref="VisionTransformerBackbone"/> and
/// <see cref="Pretrained.BgrMeanImageInput"/> (resnet18_imagenet's fixed input conversion), and for Swin and ConvNeXt
/// <see cref="Permute"/>, <see cref="ChannelsLastAveragePool"/>, <see cref="ChannelsFirstLayerNorm"/>,
/// <see cref="StochasticDepth"/>, <see cref="ConvNeXtBlock"/>, <see cref="PatchMerging"/>,
/// <see cref="SwinTransformerBlock"/> and <see cref="WindowAttention"/>, each documenting its forward.
/// Sequential children run in registration order.
/// </remarks>
public sealed class ImageClassifier : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> backbone;
    private readonly Sequential head;

    public ImageClassifier(string architecture, nn.Module<Tensor, Tensor> backbone, int featureDimension, int numClasses, double dropout)
        : base(nameof(ImageClassifier))
    {
        Architecture = architecture;
        FeatureDimension = featureDimension;
        NumClasses = numClasses;
        this.backbone = backbone;
        head = nn.Sequential(("dropout", nn.Dropout(dropout)), ("fc", nn.Linear(featureDimension, numClasses)));
        RegisterComponents();
    }

    /// <summary>Registry name of the architecture this model was built as.</summary>
    public string Architecture { get; }

    /// <summary>Width F of the backbone's output and of the head's input.</summary>
    public int FeatureDimension { get; }

    public int NumClasses { get; }

    public nn.Module<Tensor, Tensor> Backbone => backbone;

    public Sequential Head => head;

    /// <summary>The head's Linear layer (the only parameters in <see cref="Head"/>).</summary>
    public Linear Classifier => (Linear)head.named_children().Single(child => child.name == "fc").module;

    public override Tensor forward(Tensor images) => head.call(backbone.call(images));

    /// <summary>Pooled features without the head, e.g. for embeddings or linear probes.</summary>
    public Tensor Features(Tensor images) => backbone.call(images);
}
