using Onnx;
using Platform.Training.Models;
using static TorchSharp.torch;

namespace Platform.Export.Onnx;

/// <summary>
/// Turns a registry model (<see cref="ImageClassifier"/>) into an ONNX model (opset 17) with one float32 input
/// [batch, C, size, size], one logits output [batch, classes], a dynamic batch axis and <see cref="OnnxModelMetadata"/>
/// as metadata properties. The model is exported as it behaves in eval mode (batch norm running statistics,
/// no dropout); its training mode is restored afterwards.
/// </summary>
public static class OnnxExporter
{
    public const int Opset = 17;

    // IR version 8 is the one that introduced opset 17 support in ONNX 1.12.
    private const long IrVersion = 8;

    /// <summary>Builds the ONNX model in memory.</summary>
    /// <exception cref="OnnxExportException">A module in the tree has no emitter (the message names its path and type).</exception>
    public static ModelProto Export(ImageClassifier model, OnnxModelMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata.Labels.Count != model.NumClasses)
        {
            throw new ArgumentException($"The model has {model.NumClasses} outputs but {metadata.Labels.Count} labels were given.", nameof(metadata));
        }

        var graph = new OnnxGraphBuilder();
        graph.Graph.Name = metadata.Architecture;
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var device = model.parameters().FirstOrDefault()?.device ?? CPU;
            int channels = metadata.InputChannels, size = metadata.InputSize;
            var inputName = graph.UniqueName(metadata.InputName);
            var sample = zeros([1, channels, size, size], device: device);
            var output = new ModuleEmitter(graph).Emit("", model, new ModuleEmitter.Value(inputName, sample));
            var logits = graph.Node("Identity", metadata.OutputName, [output.Name]);
            graph.Graph.Input.Add(OnnxGraphBuilder.FloatValue(inputName, [null, channels, size, size], OnnxModelMetadata.BatchAxisName));
            graph.Graph.Output.Add(OnnxGraphBuilder.FloatValue(logits, [null, model.NumClasses], OnnxModelMetadata.BatchAxisName));
        }
        finally
        {
            model.train(wasTraining);
        }

        var proto = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Platform.Export",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = graph.Graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in metadata.ToProperties())
        {
            proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        return proto;
    }

    /// <summary>Exports and serialises to bytes (what ONNX Runtime and model stores take).</summary>
    public static byte[] ExportToBytes(ImageClassifier model, OnnxModelMetadata metadata) =>
        Google.Protobuf.MessageExtensions.ToByteArray(Export(model, metadata));

    /// <summary>Exports to <paramref name="path"/>, written to a temporary name first and then renamed.</summary>
    public static void ExportToFile(ImageClassifier model, OnnxModelMetadata metadata, string path)
    {
        var bytes = ExportToBytes(model, metadata);
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }
}
