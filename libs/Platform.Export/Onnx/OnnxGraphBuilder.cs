using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace Platform.Export.Onnx;

/// <summary>
/// Appends nodes and initializers to one ONNX graph, inventing unique value names. Knows nothing about TorchSharp
/// modules; <see cref="ModuleEmitter"/> decides what to emit.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly HashSet<string> usedNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> sharedConstants = new(StringComparer.Ordinal);

    public GraphProto Graph { get; } = new();

    /// <summary>A value name that starts with <paramref name="hint"/> and is not yet used in the graph.</summary>
    public string UniqueName(string hint)
    {
        var name = hint;
        for (var i = 1; !usedNames.Add(name); i++)
        {
            name = $"{hint}_{i}";
        }

        return name;
    }

    /// <summary>Adds a float32 initializer holding <paramref name="tensor"/>'s values (copied to the CPU).</summary>
    public string Initializer(string hint, Tensor tensor)
    {
        using var scope = NewDisposeScope();
        var values = tensor.detach().to(ScalarType.Float32).cpu().contiguous().data<float>().ToArray();
        return Initializer(hint, values, tensor.shape);
    }

    public string Initializer(string hint, float[] values, long[] dims)
    {
        var name = UniqueName(hint);
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        proto.Dims.AddRange(dims);
        proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        Graph.Initializer.Add(proto);
        return name;
    }

    /// <summary>An int64 constant (shapes, axes, indices), shared between all nodes that use the same values.</summary>
    public string Int64Constant(string hint, long[] values, long[]? dims = null)
    {
        var key = $"i64:{string.Join(',', dims ?? [values.Length])}:{string.Join(',', values)}";
        if (sharedConstants.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var name = UniqueName(hint);
        var proto = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        proto.Dims.AddRange(dims ?? [values.Length]);
        proto.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        Graph.Initializer.Add(proto);
        sharedConstants[key] = name;
        return name;
    }

    /// <summary>A float scalar constant, shared like <see cref="Int64Constant"/>.</summary>
    public string FloatScalar(string hint, float value)
    {
        var key = $"f32:{BitConverter.SingleToInt32Bits(value)}";
        if (sharedConstants.TryGetValue(key, out var existing))
        {
            return existing;
        }

        var name = Initializer(hint, [value], []);
        sharedConstants[key] = name;
        return name;
    }

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Node(string opType, string outputHint, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var output = UniqueName(outputHint);
        var node = new NodeProto { OpType = opType, Name = UniqueName($"{outputHint}/{opType}") };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    public static AttributeProto Ints(string name, IEnumerable<long> values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto String(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>A float32 tensor value description; <c>null</c> dimensions become the named dynamic axis.</summary>
    public static ValueInfoProto FloatValue(string name, IEnumerable<long?> dims, string dynamicAxisName)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is { } value
                ? new TensorShapeProto.Types.Dimension { DimValue = value }
                : new TensorShapeProto.Types.Dimension { DimParam = dynamicAxisName });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape },
            },
        };
    }
}
