using System.Globalization;
using static TorchSharp.torch;
using Platform.Training.Configuration.Architectures;

namespace Platform.Training.Models;

/// <summary>
/// VGG-11 with batch norm (Simonyan and Zisserman 2015, configuration "A"), laid out as torchvision's
/// <c>vgg11_bn</c>. The backbone holds <c>features</c>, a 7×7 adaptive pool and the first two fully connected
/// layers (<c>classifier.0</c> and <c>classifier.3</c>, as in torchvision), so its features are 4096-d.
/// </summary>
internal static class Vgg
{
    private const int MaxPool = 0;
    private static readonly int[] Vgg11Layout = [64, MaxPool, 128, MaxPool, 256, 256, MaxPool, 512, 512, MaxPool, 512, 512, MaxPool];

    public static ImageClassifier CreateVgg11BatchNorm(string name, ModelOptions options)
    {
        var features = new List<(string, nn.Module<Tensor, Tensor>)>();
        var inChannels = options.InputChannels;
        foreach (var channels in Vgg11Layout)
        {
            if (channels == MaxPool)
            {
                features.Add((Index(features.Count), nn.MaxPool2d(2, stride: 2)));
                continue;
            }

            features.Add((Index(features.Count), nn.Conv2d(inChannels, channels, 3, padding: 1)));
            features.Add((Index(features.Count), nn.BatchNorm2d(channels)));
            features.Add((Index(features.Count), nn.ReLU(inplace: true)));
            inChannels = channels;
        }

        const int pooledSide = 7, hidden = 4096;
        // torchvision applies dropout 0.5 inside this stack; here it follows ModelOptions.Dropout so that one
        // setting controls all dropout in the model (0 turns every dropout off).
        var classifier = nn.Sequential(
            ("0", nn.Linear(inChannels * pooledSide * pooledSide, hidden)),
            ("1", nn.ReLU(inplace: true)),
            ("2", nn.Dropout(options.Dropout)),
            ("3", nn.Linear(hidden, hidden)),
            ("4", nn.ReLU(inplace: true)),
            ("5", nn.Dropout(options.Dropout)));
        var backbone = nn.Sequential(
            ("features", nn.Sequential(features)),
            ("avgpool", nn.AdaptiveAvgPool2d(pooledSide)),
            ("flatten", nn.Flatten()),
            ("classifier", classifier));
        var model = new ImageClassifier(name, backbone, hidden, options.NumClasses, options.Dropout);
        WeightInit.ConvolutionsAndNorms(model);
        WeightInit.LinearNormal(model, std: 0.01);
        return model;
    }

    private static string Index(int i) => i.ToString(CultureInfo.InvariantCulture);
}
