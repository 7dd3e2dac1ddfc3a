using static TorchSharp.torch;
using Platform.Training.Configuration.Architectures;

namespace Platform.Training.Models;

/// <summary>
/// A fast CNN for 28×28 data such as Fashion-MNIST: two conv-BN-ReLU pairs at 32 channels, 2×2 max pool, two at
/// 64 channels, 2×2 max pool, then flatten and a 256-unit fully connected layer with ReLU. The flatten size
/// follows <see cref="ModelOptions.ImageSize"/>, so inputs must have exactly that size.
/// </summary>
internal static class SmallCnn
{
    public const int FeatureDimension = 256;
    private const int Width1 = 32, Width2 = 64;

    public static ImageClassifier Create(string name, ModelOptions options)
    {
        var pooledSide = options.ImageSize / 4;
        var backbone = nn.Sequential(
            ("conv1", nn.Conv2d(options.InputChannels, Width1, 3, padding: 1, bias: false)),
            ("bn1", nn.BatchNorm2d(Width1)),
            ("relu1", nn.ReLU(inplace: true)),
            ("conv2", nn.Conv2d(Width1, Width1, 3, padding: 1, bias: false)),
            ("bn2", nn.BatchNorm2d(Width1)),
            ("relu2", nn.ReLU(inplace: true)),
            ("pool1", nn.MaxPool2d(2, stride: 2)),
            ("conv3", nn.Conv2d(Width1, Width2, 3, padding: 1, bias: false)),
            ("bn3", nn.BatchNorm2d(Width2)),
            ("relu3", nn.ReLU(inplace: true)),
            ("conv4", nn.Conv2d(Width2, Width2, 3, padding: 1, bias: false)),
            ("bn4", nn.BatchNorm2d(Width2)),
            ("relu4", nn.ReLU(inplace: true)),
            ("pool2", nn.MaxPool2d(2, stride: 2)),
            ("flatten", nn.Flatten()),
            ("fc", nn.Linear(Width2 * pooledSide * pooledSide, FeatureDimension)),
            ("relu5", nn.ReLU(inplace: true)));
        WeightInit.ConvolutionsAndNorms(backbone);
        return new ImageClassifier(name, backbone, FeatureDimension, options.NumClasses, options.Dropout);
    }
}
