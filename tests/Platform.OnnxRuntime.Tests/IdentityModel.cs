using Google.Protobuf;
using Onnx;

namespace Platform.OnnxRuntime.Tests;

/// <summary>The smallest classifier-shaped graph: one float input [N, 3], passed through Identity as the output.</summary>
internal static class IdentityModel
{
    public const string Architecture = "identity";

    public static byte[] Bytes { get; } = Build();

    private static byte[] Build()
    {
        var graph = new GraphProto { Name = Architecture };
        graph.Node.Add(new NodeProto { OpType = "Identity", Name = "identity", Input = { "input" }, Output = { "logits" } });
        graph.Input.Add(Value("input"));
        graph.Output.Add(Value("logits"));
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 13 });
        model.MetadataProps.Add(new StringStringEntryProto { Key = "architecture", Value = Architecture });
        return model.ToByteArray();
    }

    private static ValueInfoProto Value(string name)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = 3 });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
