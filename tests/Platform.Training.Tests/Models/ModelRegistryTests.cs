using Platform.Training.Models;
using TorchSharp;
using static TorchSharp.torch;
using Platform.Training.Configuration.Architectures;

namespace Platform.Training.Tests.Models;

public sealed class ModelRegistryTests
{
    private const int Classes = 7;

    public static TheoryData<string, int> NamesAndChannels()
    {
        var data = new TheoryData<string, int>();
        foreach (var info in ModelRegistry.Architectures)
        {
            data.Add(info.Name, 3);
            if (info.SupportsSingleChannel)
            {
                data.Add(info.Name, 1);
            }
        }

        return data;
    }

    public static TheoryData<string> Names() => new(ModelRegistry.Names);

    [Theory]
    [MemberData(nameof(NamesAndChannels))]
    public void EveryArchitecture_OutputsOneLogitPerClass_ForItsInputChannels(string name, int channels)
    {
        using var scope = NewDisposeScope();
        var options = SmallOptions(name) with { InputChannels = channels };
        using var model = ModelRegistry.Create(name, options);
        model.eval();
        using var _ = no_grad();

        var logits = model.call(randn(2, channels, options.ImageSize, options.ImageSize));

        Assert.Equal([2L, Classes], logits.shape);
        Assert.True(logits.isfinite().all().item<bool>());
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Backbone_OutputsFeatureDimension_AndHeadHoldsOnlyTheClassifierLinear(string name)
    {
        using var scope = NewDisposeScope();
        var options = SmallOptions(name);
        using var model = ModelRegistry.Create(name, options);
        model.eval();
        using var _ = no_grad();

        var features = model.Backbone.call(randn(2, 3, options.ImageSize, options.ImageSize));

        Assert.Equal([2L, model.FeatureDimension], features.shape);
        Assert.Equal([Classes, (long)model.FeatureDimension], model.Classifier.weight!.shape);
        var headParameters = model.Head.parameters().Select(p => p.Handle).ToHashSet();
        Assert.Equal(new[] { model.Classifier.weight.Handle, model.Classifier.bias!.Handle }.ToHashSet(), headParameters);
        Assert.Equal(
            ModelRegistry.CountParameters(model),
            ModelRegistry.CountParameters(model.Backbone) + ModelRegistry.CountParameters(model.Head));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryArchitecture_UsesOnlyTheModuleTypesDocumentedForExporters(string name)
    {
        string[] documented =
        [
            nameof(ImageClassifier), "Sequential", "Conv2d", "BatchNorm2d", "ReLU", "ReLU6", "Hardswish", "Hardsigmoid", "GELU",
            "MaxPool2d", "AdaptiveAvgPool2d", "Flatten", "Linear", "Dropout", "LayerNorm", "Softmax", nameof(BasicBlock), nameof(Bottleneck),
            nameof(InvertedResidual), nameof(SqueezeExcitation), nameof(TransformerEncoderBlock), nameof(MultiHeadSelfAttention),
            nameof(VisionTransformerBackbone), nameof(Platform.Training.Models.Pretrained.BgrMeanImageInput),
            nameof(StochasticDepth), nameof(Permute), nameof(ChannelsLastAveragePool), nameof(ChannelsFirstLayerNorm),
            nameof(ConvNeXtBlock), nameof(PatchMerging), nameof(SwinTransformerBlock), nameof(WindowAttention),
        ];
        using var model = ModelRegistry.Create(name, SmallOptions(name));

        var used = model.modules().Select(m => m.GetType().Name).Distinct();

        Assert.Empty(used.Except(documented));
    }

    [Theory]
    [InlineData("resnet18", 11_689_512)]
    [InlineData("resnet34", 21_797_672)]
    [InlineData("resnet50", 25_557_032)]
    [InlineData("mobilenet_v2", 3_504_872)]
    [InlineData("mobilenet_v3_small", 2_542_856)]
    [InlineData("mobilenet_v3_large", 5_483_032)]
    [InlineData("vgg11_bn", 132_868_840)]
    [InlineData("vit_tiny", 5_717_416)]   // timm vit_tiny_patch16_224
    [InlineData("vit_small", 22_050_664)] // timm vit_small_patch16_224
    [InlineData("swin_tiny", 28_288_354)] // timm swin_tiny_patch4_window7_224
    [InlineData("convnext_tiny", 28_589_128)] // timm convnext_tiny
    public void ParameterCount_MatchesPublishedImageNetModel(string name, long published)
    {
        Assert.Equal(published, ModelRegistry.CountParameters(name, new ModelOptions(NumClasses: 1000)));
        Assert.Equal(published, ModelRegistry.Describe(name).Parameters);
    }

    [Fact]
    public void ResNet18_StateDictKeysAndShapes_MatchTorchVision()
    {
        using var ours = ModelRegistry.Create("resnet18", new ModelOptions(NumClasses: 1000));
        using var reference = torchvision.models.resnet18(num_classes: 1000);

        var expected = reference.state_dict().ToDictionary(
            kv => kv.Key.StartsWith("fc.", StringComparison.Ordinal) ? "head." + kv.Key : "backbone." + kv.Key,
            kv => kv.Value.shape);
        var actual = ours.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);

        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        Assert.All(expected, kv => Assert.Equal(kv.Value, actual[kv.Key]));
    }

    [Fact]
    public void UnknownName_ThrowsArgumentExceptionListingValidNames()
    {
        var error = Assert.Throws<ArgumentException>(() => ModelRegistry.Create("resnet19", new ModelOptions(NumClasses: 2)));

        Assert.Contains("'resnet19'", error.Message, StringComparison.Ordinal);
        Assert.All(ModelRegistry.Names, name => Assert.Contains(name, error.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void SmallCnn_ClassifiesGrayscale28PixelImages()
    {
        using var model = ModelRegistry.Create("small_cnn", new ModelOptions(NumClasses: 10, InputChannels: 1, ImageSize: 28));
        model.eval();
        using var _ = no_grad();

        using var logits = model.call(rand(2, 1, 28, 28));

        Assert.Equal([2L, 10], logits.shape);
    }

    [Theory]
    [InlineData(28, 4, 49)]
    [InlineData(28, 7, 16)]
    [InlineData(224, 16, 196)]
    public void VisionTransformer_EmbedsOnePositionPerPatchPlusClassToken(int imageSize, int patchSize, int patches)
    {
        using var scope = NewDisposeScope();
        using var model = ModelRegistry.Create("vit_tiny", new ModelOptions(NumClasses: Classes, ImageSize: imageSize, PatchSize: patchSize));
        model.eval();
        using var _ = no_grad();

        var logits = model.call(randn(2, 3, imageSize, imageSize));

        Assert.Equal([2L, Classes], logits.shape);
        Assert.Equal([1L, patches + 1, 192], model.state_dict()["backbone.pos_embed"].shape);
    }

    [Fact]
    public void VisionTransformer_RejectsInputOfAnotherSize()
    {
        using var model = ModelRegistry.Create("vit_tiny", new ModelOptions(NumClasses: Classes, ImageSize: 28, PatchSize: 7));
        using var wrongSize = randn(1, 3, 32, 32);

        var error = Assert.Throws<ArgumentException>(() => model.call(wrongSize));

        Assert.Contains("28×28", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ReportsPatchSizeThatDoesNotDivideImageSize()
    {
        var options = new ModelOptions(NumClasses: Classes, ImageSize: 30, PatchSize: 4);

        Assert.Single(ModelRegistry.Validate("vit_small", options));
        Assert.Empty(ModelRegistry.Validate("resnet18_small", options));
        Assert.Throws<ArgumentException>(() => ModelRegistry.Create("vit_small", options));
    }

    [Fact]
    public void Validate_ReportsImageSmallerThanTheArchitectureMinimum()
    {
        var options = new ModelOptions(NumClasses: Classes, ImageSize: 16);

        Assert.Contains("at least 32", Assert.Single(ModelRegistry.Validate("resnet18", options)), StringComparison.Ordinal);
        Assert.Empty(ModelRegistry.Validate("resnet18_small", options));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    public void HeadDropout_ChangesTrainingOutputOnlyWhenProbabilityIsPositive(double dropout)
    {
        using var scope = NewDisposeScope();
        using var model = ModelRegistry.Create("small_cnn", new ModelOptions(NumClasses: Classes, InputChannels: 1, ImageSize: 28, Dropout: dropout));
        var features = randn(4, model.FeatureDimension);
        using var _ = no_grad();

        model.train();
        var trained = model.Head.call(features);
        model.eval();
        var evaluated = model.Head.call(features);

        Assert.Equal(dropout == 0.0, trained.allclose(evaluated));
    }

    [Fact]
    public void ZeroDropout_TurnsOffVggsInnerDropoutToo()
    {
        using var scope = NewDisposeScope();
        using var model = ModelRegistry.Create("vgg11_bn", new ModelOptions(NumClasses: Classes, ImageSize: 32, Dropout: 0.0));
        model.train();
        using var _ = no_grad();
        var images = randn(2, 3, 32, 32);

        Assert.True(model.call(images).allclose(model.call(images)));
    }

    [Theory]
    [InlineData("resnet18", "backbone.layer4.1.conv2.weight", 512 * 3 * 3)]
    [InlineData("resnet50", "backbone.layer3.0.conv2.weight", 256 * 3 * 3)]
    [InlineData("mobilenet_v2", "backbone.features.18.0.weight", 1280 * 1 * 1)]
    [InlineData("vgg11_bn", "backbone.features.22.weight", 512 * 3 * 3)]
    public void Convolutions_UseKaimingNormalWithFanOut(string name, string parameter, int fanOut)
    {
        using var model = ModelRegistry.Create(name, SmallOptions(name));

        var weight = model.state_dict()[parameter];

        var expectedStd = Math.Sqrt(2.0 / fanOut);
        Assert.InRange(weight.std().item<float>(), 0.95 * expectedStd, 1.05 * expectedStd);
        Assert.InRange(weight.mean().item<float>(), -0.05 * expectedStd, 0.05 * expectedStd);
    }

    [Fact]
    public void BatchNorms_StartAsIdentityScale()
    {
        using var model = ModelRegistry.Create("resnet18", SmallOptions("resnet18"));
        var state = model.state_dict();

        Assert.True(state["backbone.layer2.0.bn1.weight"].eq(1).all().item<bool>());
        Assert.True(state["backbone.layer2.0.downsample.1.bias"].eq(0).all().item<bool>());
    }

    [Fact]
    public void VisionTransformer_LinearsStartAsSmallTruncatedNormal()
    {
        using var model = ModelRegistry.Create("vit_small", new ModelOptions(NumClasses: Classes, ImageSize: 28, PatchSize: 7));
        var weight = model.state_dict()["backbone.blocks.3.mlp.fc1.weight"];

        Assert.InRange(weight.std().item<float>(), 0.015, 0.02);
        Assert.True(weight.abs().max().item<float>() <= 0.04f + 1e-6f);
        Assert.True(model.state_dict()["backbone.blocks.3.attn.qkv.bias"].eq(0).all().item<bool>());
    }

    [Fact]
    public void ModelOptions_RejectOutOfRangeValues_AlsoThroughWith()
    {
        var valid = new ModelOptions(NumClasses: 10);

        Assert.Throws<ArgumentOutOfRangeException>(() => new ModelOptions(NumClasses: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => valid with { InputChannels = 2 });
        Assert.Throws<ArgumentOutOfRangeException>(() => valid with { Dropout = 1.0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => valid with { ImageSize = 2 });
        Assert.Throws<ArgumentOutOfRangeException>(() => valid with { PatchSize = 0 });
    }

    [Fact]
    public void Describe_GivesSizesForConfigValidation()
    {
        var smallCnn = ModelRegistry.Describe("small_cnn");
        var resnet = ModelRegistry.Describe("resnet18");

        Assert.Equal(28, smallCnn.DefaultImageSize);
        Assert.True(smallCnn.RequiresExactImageSize);
        Assert.Equal(224, resnet.DefaultImageSize);
        Assert.False(resnet.RequiresExactImageSize);
        Assert.All(ModelRegistry.Architectures, info => Assert.True(info.MinimumImageSize <= info.DefaultImageSize));
    }

    /// <summary>The cheapest options each architecture accepts: 28 px where allowed (ViT with 7-px patches).</summary>
    private static ModelOptions SmallOptions(string name)
    {
        var info = ModelRegistry.Describe(name);
        var side = Math.Max(28, info.MinimumImageSize);
        return new ModelOptions(NumClasses: Classes, ImageSize: side, PatchSize: 7);
    }
}
