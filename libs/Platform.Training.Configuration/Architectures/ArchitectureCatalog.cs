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

    /// <summary>The Swin settings the catalogue needs to check an image size (the registry builds from the same values).</summary>
    public sealed record SwinSettings(int PatchSize, int EmbedDimension, int[] Depths, int[] Heads, int Window)
    {
        /// <summary>Swin-T (Liu et al. 2021, Table 1 with window 7 at 224 px).</summary>
        public static SwinSettings Tiny { get; } = new(4, 96, [2, 2, 6, 2], [3, 6, 12, 24], 7);

        /// <summary>A reduced Swin for 32–64 px images and CPU tests: patch 2, embed 48, depths 2-2-2-2, heads 2-4-8-16,
        /// window 4 (at 32 px the first two stages shift their windows, the last two are one window each).</summary>
        public static SwinSettings Atto { get; } = new(2, 48, [2, 2, 2, 2], [2, 4, 8, 16], 4);

        /// <summary>Sides of the token map in each stage for an input of <paramref name="imageSize"/>.</summary>
        public IEnumerable<int> StageResolutions(int imageSize) => Enumerable.Range(0, Depths.Length).Select(stage => imageSize / PatchSize >> stage);

        public IEnumerable<string> Problems(string name, ModelOptions options)
        {
            int multiple = PatchSize << (Depths.Length - 1);
            if (options.ImageSize % multiple != 0)
            {
                yield return $"{name} needs an ImageSize that is a multiple of {multiple} (patch {PatchSize}, then {Depths.Length - 1} merges of 2×2); ImageSize is {options.ImageSize}.";
                yield break;
            }

            var unfit = StageResolutions(options.ImageSize).Where(side => side > Window && side % Window != 0).ToArray();
            if (unfit.Length > 0)
            {
                yield return $"{name} splits each stage's token map into {Window}×{Window} windows, but ImageSize {options.ImageSize} gives stage sides "
                             + $"{string.Join(", ", StageResolutions(options.ImageSize))} ({string.Join(", ", unfit)} neither fits one window nor divides by {Window}); "
                             + $"use {ValidSizeHint()}.";
            }
        }

        private string ValidSizeHint() => Window == 7 ? "224 (or 448)" : "32, 64 or 128";
    }

    /// <summary>ConvNeXt depths and widths (Liu et al. 2022; atto from timm).</summary>
    public sealed record ConvNeXtSettings(int[] Depths, int[] Dimensions)
    {
        public static ConvNeXtSettings Tiny { get; } = new([3, 3, 9, 3], [96, 192, 384, 768]);

        public static ConvNeXtSettings Atto { get; } = new([2, 2, 6, 2], [40, 80, 160, 320]);
    }

    private sealed record Entry(ArchitectureInfo Info, Func<ModelOptions, IEnumerable<string>>? Checks = null);

    private static readonly Entry[] Entries =
    [
        ResNet("resnet18", "ResNet-18, ImageNet stem", 11_689_512, 1_814_073_344),
        ResNet("resnet34", "ResNet-34, ImageNet stem", 21_797_672, 3_663_761_408),
        ResNet("resnet50", "ResNet-50, ImageNet stem", 25_557_032, 4_089_184_256),
        SmallResNet("resnet18_small", "ResNet-18, 3×3 stride-1 stem for 28–64 px", 11_681_832, 555_929_600),
        SmallResNet("resnet34_small", "ResNet-34, 3×3 stride-1 stem for 28–64 px", 21_789_992, 1_159_909_376),
        SmallResNet("resnet50_small", "ResNet-50, 3×3 stride-1 stem for 28–64 px", 25_549_352, 1_299_857_408),
        new(new("vgg11_bn", "vgg", 224, 32, true, false, "VGG-11 with batch norm") { Parameters = 132_868_840, MultiplyAdds = 7_609_090_048 }),
        new(new("mobilenet_v2", "mobilenet", 224, 32, true, false, "MobileNetV2, width 1.0") { Parameters = 3_504_872, MultiplyAdds = 300_774_272 }),
        new(new("mobilenet_v3_small", "mobilenet", 224, 32, true, false, "MobileNetV3-Small (SE, hardswish)") { Parameters = 2_542_856, MultiplyAdds = 56_510_400 }),
        new(new("mobilenet_v3_large", "mobilenet", 224, 32, true, false, "MobileNetV3-Large (SE, hardswish)") { Parameters = 5_483_032, MultiplyAdds = 216_589_760 }),
        new(new("vit_tiny", "vit", 224, 1, true, true, "ViT-Tiny: dim 192, depth 12, 3 heads; patch size from options") { Parameters = 5_717_416, MultiplyAdds = 1_253_683_200 }),
        new(new("vit_small", "vit", 224, 1, true, true, "ViT-Small: dim 384, depth 12, 6 heads; patch size from options") { Parameters = 22_050_664, MultiplyAdds = 4_598_882_304 }),
        new(new("swin_tiny", "swin", 224, 224, true, true,
                "Swin-T: patch 4, embed 96, depths 2-2-6-2, heads 3-6-12-24, window 7, shifted windows; 224 px (or 448)") { Parameters = 28_288_354, MultiplyAdds = 4_490_566_656, DefaultDropPath = 0.2 },
            options => SwinSettings.Tiny.Problems("swin_tiny", options)),
        new(new("swin_atto", "swin", 32, 32, true, true,
                "Reduced Swin for small images: patch 2, embed 48, depths 2-2-2-2, heads 2-4-8-16, window 4; 32, 64 or 128 px") { Parameters = 5_496_788, MultiplyAdds = 62_094_336, DefaultDropPath = 0.1 },
            options => SwinSettings.Atto.Problems("swin_atto", options)),
        new(new("convnext_tiny", "convnext", 224, 32, true, false,
                "ConvNeXt-T: depths 3-3-9-3, dims 96-192-384-768, 7×7 depthwise, layer scale 1e-6") { Parameters = 28_589_128, MultiplyAdds = 4_455_531_264, DefaultDropPath = 0.1 }),
        new(new("convnext_atto", "convnext", 64, 32, true, false,
                "ConvNeXt-Atto (timm): depths 2-2-6-2, dims 40-80-160-320, for small images and CPU") { Parameters = 3_695_520, MultiplyAdds = 44_974_080, DefaultDropPath = 0.0 }),
        new(new("small_cnn", "cnn", 28, 4, true, true, "4-conv CNN for 28×28 data (Fashion-MNIST)") { Parameters = 1_125_832, MultiplyAdds = 19_799_552 }),
        new(new(ImageNetResNet18.Name, "resnet", ImageNetResNet18.NativeImageSize, ImageNetResNet18.SizeMultiple, false, true,
                "ResNet-18 with [2,2,2,3] blocks and a built-in BGR mean-image input layer; ImageNet weights with pretrained")
            {
                Parameters = 16_410_152, MultiplyAdds = 2_045_284_352,
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

    private static Entry ResNet(string name, string description, long parameters, long multiplyAdds) =>
        new(new(name, "resnet", 224, 32, true, false, description) { Parameters = parameters, MultiplyAdds = multiplyAdds });

    private static Entry SmallResNet(string name, string description, long parameters, long multiplyAdds) =>
        new(new(name, "resnet", 32, 8, true, false, description) { Parameters = parameters, MultiplyAdds = multiplyAdds });

    private static Entry Find(string name) =>
        Entries.FirstOrDefault(e => e.Info.Name == name)
        ?? throw new ArgumentException($"Unknown model architecture '{name}'. Valid names: {string.Join(", ", Names)}.", nameof(name));
}
