using Platform.Training.Models.Pretrained;

namespace Platform.Training.Models;

/// <summary>
/// The one place architectures are selected by name. Every model is an <see cref="ImageClassifier"/> whose head
/// is sized to <see cref="ModelOptions.NumClasses"/> and whose first layer takes
/// <see cref="ModelOptions.InputChannels"/>.
/// </summary>
public static class ModelRegistry
{
    private sealed record Entry(
        ArchitectureInfo Info, Func<string, ModelOptions, ImageClassifier> Build, Func<ModelOptions, IEnumerable<string>>? Checks = null);

    private static readonly Entry[] Entries =
    [
        ResNetEntry("resnet18", [2, 2, 2, 2], bottleneck: false, ResNet.Stem.ImageNet, "ResNet-18, ImageNet stem"),
        ResNetEntry("resnet34", [3, 4, 6, 3], bottleneck: false, ResNet.Stem.ImageNet, "ResNet-34, ImageNet stem"),
        ResNetEntry("resnet50", [3, 4, 6, 3], bottleneck: true, ResNet.Stem.ImageNet, "ResNet-50, ImageNet stem"),
        ResNetEntry("resnet18_small", [2, 2, 2, 2], bottleneck: false, ResNet.Stem.SmallImage, "ResNet-18, 3×3 stride-1 stem for 28–64 px"),
        ResNetEntry("resnet34_small", [3, 4, 6, 3], bottleneck: false, ResNet.Stem.SmallImage, "ResNet-34, 3×3 stride-1 stem for 28–64 px"),
        ResNetEntry("resnet50_small", [3, 4, 6, 3], bottleneck: true, ResNet.Stem.SmallImage, "ResNet-50, 3×3 stride-1 stem for 28–64 px"),
        new(new("vgg11_bn", "vgg", 224, 32, true, false, "VGG-11 with batch norm"), Vgg.CreateVgg11BatchNorm),
        new(new("mobilenet_v2", "mobilenet", 224, 32, true, false, "MobileNetV2, width 1.0"), MobileNet.CreateV2),
        new(new("mobilenet_v3_small", "mobilenet", 224, 32, true, false, "MobileNetV3-Small (SE, hardswish)"),
            (name, options) => MobileNet.CreateV3(name, large: false, options)),
        new(new("mobilenet_v3_large", "mobilenet", 224, 32, true, false, "MobileNetV3-Large (SE, hardswish)"),
            (name, options) => MobileNet.CreateV3(name, large: true, options)),
        new(new("vit_tiny", "vit", 224, 1, true, true, "ViT-Tiny: dim 192, depth 12, 3 heads; patch size from options"),
            (name, options) => VisionTransformer.Create(name, dimension: 192, depth: 12, heads: 3, options)),
        new(new("vit_small", "vit", 224, 1, true, true, "ViT-Small: dim 384, depth 12, 6 heads; patch size from options"),
            (name, options) => VisionTransformer.Create(name, dimension: 384, depth: 12, heads: 6, options)),
        new(new("small_cnn", "cnn", 28, 4, true, true, "4-conv CNN for 28×28 data (Fashion-MNIST)"), SmallCnn.Create),
        new(new(ImageNetResNet18.Name, "resnet", ImageNetResNet18.NativeImageSize, ImageNetResNet18.SizeMultiple, false, true,
                "ResNet-18 with [2,2,2,3] blocks and a built-in BGR mean-image input layer; ImageNet weights with pretrained")
            {
                PretrainedWeights = ImageNetResNet18.WeightsSource,
                RequiredNormalization = new InputNormalization(ImageNetResNet18.InputMean, ImageNetResNet18.InputStd),
            },
            ImageNetResNet18.Create, ImageNetResNet18.Problems),
    ];

    /// <summary>Registered architecture names, in a stable order.</summary>
    public static IReadOnlyList<string> Names { get; } = Entries.Select(e => e.Info.Name).ToArray();

    public static IReadOnlyList<ArchitectureInfo> Architectures { get; } = Entries.Select(e => e.Info).ToArray();

    public static bool Contains(string name) => Entries.Any(e => e.Info.Name == name);

    public static ArchitectureInfo Describe(string name) => Find(name).Info;

    /// <summary>Whether <paramref name="name"/> is registered and ships pretrained backbone weights.</summary>
    public static bool HasPretrainedWeights(string name) => Entries.Any(e => e.Info.Name == name && e.Info.PretrainedWeights is not null);

    /// <summary>
    /// Problems that would stop <paramref name="options"/> from building or running <paramref name="name"/>
    /// (empty when it is fine), phrased for a user editing a training config.
    /// </summary>
    public static IReadOnlyList<string> Validate(string name, ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var info = Find(name).Info;
        var problems = new List<string>();
        if (options.ImageSize < info.MinimumImageSize)
        {
            problems.Add($"{name} needs images of at least {info.MinimumImageSize} px; ImageSize is {options.ImageSize}.");
        }

        if (options.InputChannels == 1 && !info.SupportsSingleChannel)
        {
            problems.Add($"{name} does not accept 1-channel input.");
        }

        if (info.Family == "vit")
        {
            if (options.PatchSize > options.ImageSize)
            {
                problems.Add($"PatchSize {options.PatchSize} is larger than ImageSize {options.ImageSize}.");
            }
            else if (options.ImageSize % options.PatchSize != 0)
            {
                problems.Add($"ImageSize {options.ImageSize} must be a multiple of PatchSize {options.PatchSize} for {name}.");
            }
        }

        if (Find(name).Checks is { } checks)
        {
            problems.AddRange(checks(options));
        }

        return problems;
    }

    /// <summary>Builds a freshly initialised model (with pretrained backbone weights when
    /// <see cref="ModelOptions.Pretrained"/> is set).</summary>
    /// <exception cref="ArgumentException">Unknown name (the message lists the valid ones), options that
    /// <see cref="Validate"/> rejects, or Pretrained for an architecture without weights.</exception>
    public static ImageClassifier Create(string name, ModelOptions options)
    {
        var entry = Find(name);
        var problems = Validate(name, options);
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        if (options.Pretrained && entry.Info.PretrainedWeights is null)
        {
            throw new ArgumentException(
                $"No pretrained weights are available for '{name}'; architectures with weights: "
                + string.Join(", ", Entries.Where(e => e.Info.PretrainedWeights is not null).Select(e => e.Info.Name)) + ".",
                nameof(options));
        }

        return entry.Build(name, options);
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

    private static Entry Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Entries.FirstOrDefault(e => e.Info.Name == name)
               ?? throw new ArgumentException(
                   $"Unknown model architecture '{name}'. Valid names: {string.Join(", ", Entries.Select(e => e.Info.Name))}.",
                   nameof(name));
    }

    private static Entry ResNetEntry(string name, int[] blocks, bool bottleneck, ResNet.Stem stem, string description)
    {
        var small = stem == ResNet.Stem.SmallImage;
        var info = new ArchitectureInfo(name, "resnet", small ? 32 : 224, small ? 8 : 32, true, false, description);
        return new Entry(info, (n, options) => ResNet.Create(n, blocks, bottleneck, stem, options));
    }
}
