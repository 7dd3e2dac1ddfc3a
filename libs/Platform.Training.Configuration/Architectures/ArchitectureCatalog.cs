using Platform.Imaging.Formats.Recipes;

namespace Platform.Training.Configuration.Architectures;

/// <summary>
/// What every architecture is and accepts — names, image sizes, channels, pretrained weights — without building any
/// model, so configurations can be checked where TorchSharp is not loaded. The model registry
/// (<c>Platform.Training.Models.ModelRegistry</c>) builds exactly these architectures; a test keeps the two in step.
/// </summary>
public static class ArchitectureCatalog
{
    /// <summary>The ImageNet ResNet-18 imported from ML.NET's featurizer package (see docs/onnx-export.md).</summary>
    public static class ImageNetResNet18
    {
        public const string Name = "resnet18_imagenet";
        public const string WeightsSource = "ImageNet (Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1)";
        public const int NativeImageSize = 224;

        /// <summary>CNTK pads stride-2 layers asymmetrically; for even feature-map sides that matches PyTorch's padding.</summary>
        public const int SizeMultiple = 32;

        public static IEnumerable<string> Problems(ModelOptions options)
        {
            if (options.InputChannels != 3)
            {
                yield return $"{Name} takes RGB input (InputChannels 3).";
            }
            if (options.ImageSize % SizeMultiple != 0)
            {
                yield return $"{Name} needs an ImageSize that is a multiple of {SizeMultiple} (224 is its native size); ImageSize is {options.ImageSize}.";
            }
        }
    }

    private sealed record Entry(ArchitectureInfo Info, Func<ModelOptions, IEnumerable<string>>? Checks = null);

    private static readonly Entry[] Entries =
    [
        ResNet("resnet18", "ResNet-18, ImageNet stem"),
        ResNet("resnet34", "ResNet-34, ImageNet stem"),
        ResNet("resnet50", "ResNet-50, ImageNet stem"),
        SmallResNet("resnet18_small", "ResNet-18, 3×3 stride-1 stem for 28–64 px"),
        SmallResNet("resnet34_small", "ResNet-34, 3×3 stride-1 stem for 28–64 px"),
        SmallResNet("resnet50_small", "ResNet-50, 3×3 stride-1 stem for 28–64 px"),
        new(new("vgg11_bn", "vgg", 224, 32, true, false, "VGG-11 with batch norm")),
        new(new("mobilenet_v2", "mobilenet", 224, 32, true, false, "MobileNetV2, width 1.0")),
        new(new("mobilenet_v3_small", "mobilenet", 224, 32, true, false, "MobileNetV3-Small (SE, hardswish)")),
        new(new("mobilenet_v3_large", "mobilenet", 224, 32, true, false, "MobileNetV3-Large (SE, hardswish)")),
        new(new("vit_tiny", "vit", 224, 1, true, true, "ViT-Tiny: dim 192, depth 12, 3 heads; patch size from options")),
        new(new("vit_small", "vit", 224, 1, true, true, "ViT-Small: dim 384, depth 12, 6 heads; patch size from options")),
        new(new("small_cnn", "cnn", 28, 4, true, true, "4-conv CNN for 28×28 data (Fashion-MNIST)")),
        new(new(ImageNetResNet18.Name, "resnet", ImageNetResNet18.NativeImageSize, ImageNetResNet18.SizeMultiple, false, true,
                "ResNet-18 with [2,2,2,3] blocks and a built-in BGR mean-image input layer; ImageNet weights with pretrained")
            {
                PretrainedWeights = ImageNetResNet18.WeightsSource,
                RequiredNormalization = new InputNormalization(TransformRecipe.ImageNetMean.ToArray(), TransformRecipe.ImageNetStd.ToArray()),
            },
            ImageNetResNet18.Problems),
    ];

    /// <summary>Architecture names, in a stable order.</summary>
    public static IReadOnlyList<string> Names { get; } = Entries.Select(e => e.Info.Name).ToArray();

    public static IReadOnlyList<ArchitectureInfo> Architectures { get; } = Entries.Select(e => e.Info).ToArray();

    public static bool Contains(string name) => Entries.Any(e => e.Info.Name == name);

    /// <exception cref="ArgumentException">Unknown name; the message lists the valid ones.</exception>
    public static ArchitectureInfo Describe(string name) => Find(name).Info;

    /// <summary>Whether <paramref name="name"/> is known and ships pretrained backbone weights.</summary>
    public static bool HasPretrainedWeights(string name) => Entries.Any(e => e.Info.Name == name && e.Info.PretrainedWeights is not null);

    /// <summary>
    /// Problems that would stop <paramref name="options"/> from building or running <paramref name="name"/>
    /// (empty when it is fine), phrased for a user editing a training config. Whether pretrained weights exist is a
    /// separate question: <see cref="HasPretrainedWeights"/>.
    /// </summary>
    public static IReadOnlyList<string> Validate(string name, ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var entry = Find(name);
        var info = entry.Info;
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
        if (entry.Checks is { } checks)
        {
            problems.AddRange(checks(options));
        }
        return problems;
    }

    private static Entry ResNet(string name, string description) => new(new(name, "resnet", 224, 32, true, false, description));

    private static Entry SmallResNet(string name, string description) => new(new(name, "resnet", 32, 8, true, false, description));

    private static Entry Find(string name) =>
        Entries.FirstOrDefault(e => e.Info.Name == name)
        ?? throw new ArgumentException($"Unknown model architecture '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
}
