using System.Security.Cryptography;
using Google.Protobuf;
using Onnx;

namespace Platform.Ingest.Health;

/// <summary>
/// The ImageNet-pretrained ResNet-18 that ML.NET ships in NuGet <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> (a CNTK export,
/// <c>ResNet18.onnx</c>, opset 8, no classifier), prepared for embedding a batch of images at <see cref="Resolution"/>.
/// The file fixes its input at [1, 3, 224, 224] and ends in a 7×7 AveragePool, so as published it takes one 224² image at a
/// time; the graph is rewritten once, in memory, with a symbolic batch, height and width, the pool made global (identical at
/// 224², and the same pooled features at any side) and the stale intermediate shapes dropped. Nothing else changes.
/// </summary>
public sealed class EmbeddingModel
{
    public const string Name = "resnet18-imagenet (Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1, ResNet18.onnx)";

    public const string FileName = "ResNet18.onnx";

    /// <summary>
    /// The square side images are embedded at. 128² costs a third of the native 224² (68 against 22 images/s on one core here,
    /// docs/benchmarks.md) and is a multiple of 32, so every stride-2 layer of the CNTK export sees an even side.
    /// </summary>
    public const int Resolution = 128;

    public const int Dimension = 512;

    /// <summary>
    /// The channel averages (B, G, R, 0–255 scale) of the mean image in the same package's ResNetPreprocess.onnx. The model
    /// expects BGR on the 0–255 scale minus that image; at another resolution than 224² its channel averages stand in for it.
    /// </summary>
    public static readonly float[] BgrMean = [103.06f, 115.90f, 123.15f];

    private EmbeddingModel(byte[] graph, string sha256, string inputName, string outputName)
    {
        Graph = graph;
        Sha256 = sha256;
        InputName = inputName;
        OutputName = outputName;
    }

    /// <summary>The rewritten model, ready for a session.</summary>
    public byte[] Graph { get; }

    /// <summary>SHA-256 of the file as published, recorded in every manifest the model's embeddings decided.</summary>
    public string Sha256 { get; }

    public string InputName { get; }

    public string OutputName { get; }

    /// <summary>Reads and rewrites the published file.</summary>
    /// <exception cref="InvalidDataException">The file is not the expected ResNet-18 featurizer.</exception>
    public static EmbeddingModel Load(byte[] published)
    {
        ArgumentNullException.ThrowIfNull(published);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(published);
        }
        catch (InvalidProtocolBufferException exception)
        {
            throw new InvalidDataException("The embedding model is not an ONNX file.", exception);
        }
        var graph = model.Graph;
        if (graph is null || graph.Input.Count != 1 || graph.Output.Count != 1
            || graph.Input[0].Type?.TensorType?.Shape?.Dim.Count != 4 || graph.Output[0].Type?.TensorType?.Shape?.Dim.Count != 4)
        {
            throw new InvalidDataException("The embedding model does not have the one image input and the one pooled output of the ResNet-18 featurizer.");
        }
        var pools = graph.Node.Where(node => node.OpType == "AveragePool").ToList();
        if (pools.Count != 1 || pools[0].Output.Single() != graph.Output[0].Name)
        {
            throw new InvalidDataException("The embedding model does not end in the ResNet-18 featurizer's average pool.");
        }

        Symbolic(graph.Input[0], "batch", null, "height", "width");
        Symbolic(graph.Output[0], "batch", null, null, null);
        graph.ValueInfo.Clear();
        pools[0].OpType = "GlobalAveragePool";
        pools[0].Attribute.Clear();
        return new EmbeddingModel(model.ToByteArray(), Convert.ToHexStringLower(SHA256.HashData(published)), graph.Input[0].Name, graph.Output[0].Name);
    }

    private static void Symbolic(ValueInfoProto value, params string?[] names)
    {
        var dims = value.Type.TensorType.Shape.Dim;
        for (var i = 0; i < names.Length; i++)
        {
            if (names[i] is { } name)
            {
                dims[i].ClearValue();
                dims[i].DimParam = name;
            }
        }
    }
}
