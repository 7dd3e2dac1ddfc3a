using Platform.Training.Models.Pretrained;
using Platform.Training.Configuration.Architectures;

namespace Platform.Training.Models;

/// <summary>
/// The one place architectures are built by name. What each architecture is and accepts lives in
/// <see cref="ArchitectureCatalog"/> (free of TorchSharp, shared with the tracker and the CLI); this registry adds how
/// to build it. Every model is an <see cref="ImageClassifier"/> whose head is sized to
/// <see cref="ModelOptions.NumClasses"/> and whose first layer takes <see cref="ModelOptions.InputChannels"/>.
/// </summary>
public static class ModelRegistry
{
    private static readonly IReadOnlyDictionary<string, Func<string, ModelOptions, ImageClassifier>> Builders =
        new Dictionary<string, Func<string, ModelOptions, ImageClassifier>>(StringComparer.Ordinal)
        {
            ["resnet18"] = ResNetBuilder([2, 2, 2, 2], bottleneck: false, ResNet.Stem.ImageNet),
            ["resnet34"] = ResNetBuilder([3, 4, 6, 3], bottleneck: false, ResNet.Stem.ImageNet),
            ["resnet50"] = ResNetBuilder([3, 4, 6, 3], bottleneck: true, ResNet.Stem.ImageNet),
            ["resnet18_small"] = ResNetBuilder([2, 2, 2, 2], bottleneck: false, ResNet.Stem.SmallImage),
            ["resnet34_small"] = ResNetBuilder([3, 4, 6, 3], bottleneck: false, ResNet.Stem.SmallImage),
            ["resnet50_small"] = ResNetBuilder([3, 4, 6, 3], bottleneck: true, ResNet.Stem.SmallImage),
            ["vgg11_bn"] = Vgg.CreateVgg11BatchNorm,
            ["mobilenet_v2"] = MobileNet.CreateV2,
            ["mobilenet_v3_small"] = (name, options) => MobileNet.CreateV3(name, large: false, options),
            ["mobilenet_v3_large"] = (name, options) => MobileNet.CreateV3(name, large: true, options),
            ["vit_tiny"] = (name, options) => VisionTransformer.Create(name, dimension: 192, depth: 12, heads: 3, options),
            ["vit_small"] = (name, options) => VisionTransformer.Create(name, dimension: 384, depth: 12, heads: 6, options),
            ["swin_tiny"] = (name, options) => SwinTransformer.Create(name, ArchitectureCatalog.SwinSettings.Tiny, options),
            ["swin_atto"] = (name, options) => SwinTransformer.Create(name, ArchitectureCatalog.SwinSettings.Atto, options),
            ["convnext_tiny"] = (name, options) => ConvNeXt.Create(name, ArchitectureCatalog.ConvNeXtSettings.Tiny, options),
            ["convnext_atto"] = (name, options) => ConvNeXt.Create(name, ArchitectureCatalog.ConvNeXtSettings.Atto, options),
            ["small_cnn"] = SmallCnn.Create,
            [ImageNetResNet18.Name] = ImageNetResNet18.Create,
        };

    /// <summary>Registered architecture names, in a stable order.</summary>
    public static IReadOnlyList<string> Names => ArchitectureCatalog.Names;

    public static IReadOnlyList<ArchitectureInfo> Architectures => ArchitectureCatalog.Architectures;

    /// <summary>Architectures the catalogue lists but nothing builds, or the reverse (empty when they agree).</summary>
    public static IReadOnlyList<string> Mismatches =>
        ArchitectureCatalog.Names.Except(Builders.Keys).Concat(Builders.Keys.Except(ArchitectureCatalog.Names)).ToList();

    public static bool Contains(string name) => ArchitectureCatalog.Contains(name) && Builders.ContainsKey(name);

    public static ArchitectureInfo Describe(string name) => ArchitectureCatalog.Describe(name);

    /// <summary>Whether <paramref name="name"/> is registered and ships pretrained backbone weights.</summary>
    public static bool HasPretrainedWeights(string name) => ArchitectureCatalog.HasPretrainedWeights(name);

    /// <inheritdoc cref="ArchitectureCatalog.Validate"/>
    public static IReadOnlyList<string> Validate(string name, ModelOptions options) => ArchitectureCatalog.Validate(name, options);

    /// <summary>Builds a freshly initialised model (with pretrained backbone weights when
    /// <see cref="ModelOptions.Pretrained"/> is set).</summary>
    /// <exception cref="ArgumentException">Unknown name (the message lists the valid ones), options that
    /// <see cref="Validate"/> rejects, or Pretrained for an architecture without weights.</exception>
    public static ImageClassifier Create(string name, ModelOptions options)
    {
        var problems = ArchitectureCatalog.Validate(name, options);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }
        if (options.Pretrained && !ArchitectureCatalog.HasPretrainedWeights(name))
        {
            throw new ArgumentException(
                $"No pretrained weights are available for '{name}'; architectures with weights: "
                + string.Join(", ", ArchitectureCatalog.Architectures.Where(a => a.PretrainedWeights is not null).Select(a => a.Name)) + ".",
                nameof(options));
        }
        return Builders.TryGetValue(name, out var build)
            ? build(name, options)
            : throw new ArgumentException($"Architecture '{name}' is catalogued but has no builder.", nameof(name));
    }

    /// <summary>Trainable and frozen parameter elements of <paramref name="name"/> built with
    /// <paramref name="options"/> (builds the model once, so it costs what <see cref="Create"/> costs).</summary>
    public static long CountParameters(string name, ModelOptions options)
    {
        using var model = Create(name, options);
        return CountParameters(model);
    }

    public static long CountParameters(TorchSharp.torch.nn.Module model) =>
        model.parameters().Sum(p => p.numel());

    private static Func<string, ModelOptions, ImageClassifier> ResNetBuilder(int[] blocks, bool bottleneck, ResNet.Stem stem) =>
        (name, options) => ResNet.Create(name, blocks, bottleneck, stem, options);
}
