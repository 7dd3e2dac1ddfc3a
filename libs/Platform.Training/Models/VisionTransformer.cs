using Platform.Training.Configuration.Architectures;

namespace Platform.Training.Models;

internal static class VisionTransformer
{
    public static ImageClassifier Create(string name, int dimension, int depth, int heads, ModelOptions options)
    {
        var backbone = new VisionTransformerBackbone(options.InputChannels, options.ImageSize, options.PatchSize, dimension, depth, heads);
        var model = new ImageClassifier(name, backbone, dimension, options.NumClasses, options.Dropout);
        WeightInit.TransformerLinearsAndNorms(model, std: 0.02);
        backbone.InitializeWeights();
        return model;
    }
}
