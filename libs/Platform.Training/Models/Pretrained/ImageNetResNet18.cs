using Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Platform.Imaging.Formats.Recipes;
using Platform.Training.Configuration.Architectures;

namespace Platform.Training.Models.Pretrained;

/// <summary>
/// <c>resnet18_imagenet</c>: the ImageNet-trained ResNet-18 that ML.NET ships as a CNTK export
/// (Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1, ResNet18.onnx, opset 8). Its layout differs from torchvision's
/// resnet18: BasicBlocks [2, 2, 2, 3] (one extra block in layer4), and it expects BGR 0–255 input minus the mean image
/// of ResNetPreprocess.onnx. The backbone starts with a <see cref="BgrMeanImageInput"/> layer named <c>input</c>
/// that turns the platform's ImageNet-normalised RGB into exactly that, followed by torchvision-named ResNet layers.
/// CNTK pads stride-2 layers asymmetrically (one pixel before, none after); for even feature-map sides that selects
/// the same windows as PyTorch's symmetric padding, hence the image size must be a multiple of 32.
/// </summary>
public static class ImageNetResNet18
{
    public const string Name = ArchitectureCatalog.ImageNetResNet18.Name;
    public const string WeightsSource = ArchitectureCatalog.ImageNetResNet18.WeightsSource;
    public const int NativeImageSize = ArchitectureCatalog.ImageNetResNet18.NativeImageSize;
    public const int SizeMultiple = ArchitectureCatalog.ImageNetResNet18.SizeMultiple;
    public const int FeatureDimension = 512;

    private static readonly int[] BlocksPerStage = [2, 2, 2, 3];

    /// <summary>The normalisation the built-in input layer inverts: the platform's default, ImageNet's.</summary>
    public static float[] InputMean => TransformRecipe.ImageNetMean.ToArray();

    public static float[] InputStd => TransformRecipe.ImageNetStd.ToArray();

    /// <summary>Builds the architecture; with <see cref="ModelOptions.Pretrained"/> the backbone gets the ImageNet weights.</summary>
    public static ImageClassifier Create(string name, ModelOptions options)
    {
        using var meanImage = MeanImage(options.ImageSize);
        var layers = ResNet.Layers(3, BlocksPerStage, bottleneck: false, ResNet.Stem.ImageNet, out var featureDimension);
        layers.Insert(0, ("input", new BgrMeanImageInput(InputMean, InputStd, meanImage)));
        var backbone = nn.Sequential(layers);
        WeightInit.ConvolutionsAndNorms(backbone);
        if (options.Pretrained)
        {
            LoadWeights(backbone, PretrainedFiles.Locate(PretrainedFiles.ResNet18));
        }

        return new ImageClassifier(name, backbone, featureDimension, options.NumClasses, options.Dropout);
    }

    /// <summary>
    /// The mean image [3, size, size] (BGR, 0–255): exactly ResNetPreprocess.onnx's at 224; area-averaged when smaller,
    /// bilinearly interpolated when larger.
    /// </summary>
    public static Tensor MeanImage(int size)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(PretrainedFiles.Locate(PretrainedFiles.ResNetPreprocess)));
        var initializer = model.Graph.Initializer.SingleOrDefault(t => t.Name == "MeanImage")
                          ?? throw new InvalidDataException("ResNetPreprocess.onnx has no MeanImage initializer.");
        using var scope = NewDisposeScope();
        var image = FloatTensor(initializer);                                    // [1, 3, 224, 224]
        if (size < NativeImageSize)
        {
            image = nn.functional.adaptive_avg_pool2d(image, [size, size]);
        }
        else if (size > NativeImageSize)
        {
            image = nn.functional.interpolate(image, [size, size], mode: InterpolationMode.Bilinear, align_corners: false);
        }

        return image.squeeze(0).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Copies the CNTK model's convolution and batch-norm tensors into <paramref name="backbone"/>. The graph lists
    /// each block's shortcut projection before its main branch, which is also the order used here, so Conv→BN pairs
    /// map one to one in graph order; every shape is checked, so a layout mismatch fails instead of loading garbage.
    /// </summary>
    public static void LoadWeights(Sequential backbone, string onnxPath)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnxPath)).Graph;
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var normByInput = graph.Node.Where(n => n.OpType == "BatchNormalization").ToDictionary(n => n.Input[0], StringComparer.Ordinal);
        var sourcePairs = graph.Node.Where(n => n.OpType == "Conv").Select(conv =>
        {
            if (conv.Input.Count != 2)
            {
                throw new InvalidDataException($"Convolution {conv.Name} in {onnxPath} has a bias; the ResNet-18 layout has none.");
            }

            return (Conv: conv, Norm: normByInput.TryGetValue(conv.Output[0], out var norm)
                ? norm
                : throw new InvalidDataException($"Convolution {conv.Name} in {onnxPath} is not followed by batch norm."));
        }).ToList();
        var targetPairs = TargetPairs(backbone).ToList();
        if (sourcePairs.Count != targetPairs.Count)
        {
            throw new InvalidDataException($"{onnxPath} has {sourcePairs.Count} conv/batch-norm pairs; the {Name} backbone has {targetPairs.Count}.");
        }

        using var noGrad = no_grad();
        foreach (var ((conv, norm), (path, targetConv, targetNorm)) in sourcePairs.Zip(targetPairs))
        {
            Copy(initializers[conv.Input[1]], targetConv.weight!, $"{path} conv weight");
            Copy(initializers[norm.Input[1]], targetNorm.weight!, $"{path} bn weight");
            Copy(initializers[norm.Input[2]], targetNorm.bias!, $"{path} bn bias");
            Copy(initializers[norm.Input[3]], targetNorm.running_mean!, $"{path} bn running mean");
            Copy(initializers[norm.Input[4]], targetNorm.running_var!, $"{path} bn running variance");
        }
    }

    private static IEnumerable<(string Path, Conv2d Conv, BatchNorm2d Norm)> TargetPairs(Sequential backbone)
    {
        var children = backbone.named_children().ToDictionary(c => c.name, c => c.module);
        yield return ("conv1", (Conv2d)children["conv1"], (BatchNorm2d)children["bn1"]);
        for (var stage = 1; stage <= 4; stage++)
        {
            foreach (var (index, block) in ((Sequential)children[$"layer{stage}"]).named_children())
            {
                var parts = block.named_children().ToDictionary(c => c.name, c => c.module);
                var path = $"layer{stage}.{index}";
                if (parts.TryGetValue("downsample", out var downsample))
                {
                    var projection = downsample.named_children().ToDictionary(c => c.name, c => c.module);
                    yield return ($"{path}.downsample", (Conv2d)projection["0"], (BatchNorm2d)projection["1"]);
                }

                yield return ($"{path}.conv1", (Conv2d)parts["conv1"], (BatchNorm2d)parts["bn1"]);
                yield return ($"{path}.conv2", (Conv2d)parts["conv2"], (BatchNorm2d)parts["bn2"]);
            }
        }
    }

    private static void Copy(TensorProto source, Tensor target, string what)
    {
        using var values = FloatTensor(source);
        if (!values.shape.SequenceEqual(target.shape))
        {
            throw new InvalidDataException(
                $"{what}: the ONNX tensor {source.Name} is [{string.Join(", ", values.shape)}], the backbone expects [{string.Join(", ", target.shape)}].");
        }

        target.copy_(values);
    }

    private static Tensor FloatTensor(TensorProto proto)
    {
        if (proto.DataType != (int)TensorProto.Types.DataType.Float)
        {
            throw new InvalidDataException($"ONNX tensor {proto.Name} is not float32.");
        }

        var values = proto.FloatData.Count > 0
            ? proto.FloatData.ToArray()
            : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(proto.RawData.Span).ToArray();
        return tensor(values, proto.Dims.ToArray());
    }
}
