using Platform.Training.Models;
using TorchSharp;
using TorchSharp.Modules;
using static Platform.Export.Onnx.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace Platform.Export.Onnx;

/// <summary>
/// Walks a model's module tree and emits ONNX nodes per module type. Each value carries a batch-1 sample computed by
/// TorchSharp alongside, so emitters know static shapes (adaptive pooling, token counts) without a shape-inference
/// pass; only the batch axis is left dynamic in the graph. Composites (residual blocks, inverted residuals,
/// squeeze-excitation, attention) have their own emitter that follows the forward documented on their type.
/// </summary>
internal sealed class ModuleEmitter(OnnxGraphBuilder graph)
{
    /// <summary>The module types (and composites) this emitter can translate; listed in export errors.</summary>
    public static readonly IReadOnlyList<string> SupportedModules =
    [
        nameof(ImageClassifier), nameof(Sequential), nameof(Conv2d), nameof(BatchNorm2d), nameof(ReLU), nameof(ReLU6),
        nameof(Hardswish), nameof(Hardsigmoid), nameof(GELU), nameof(MaxPool2d), nameof(AdaptiveAvgPool2d), nameof(Flatten),
        nameof(Linear), nameof(Dropout), nameof(LayerNorm), nameof(Softmax), nameof(BasicBlock), nameof(Bottleneck), nameof(InvertedResidual),
        nameof(SqueezeExcitation), nameof(TransformerEncoderBlock), nameof(MultiHeadSelfAttention),
        nameof(VisionTransformerBackbone), nameof(Platform.Training.Models.Pretrained.BgrMeanImageInput),
        nameof(StochasticDepth), nameof(Permute), nameof(ChannelsLastAveragePool), nameof(ChannelsFirstLayerNorm),
        nameof(ConvNeXtBlock), nameof(PatchMerging), nameof(SwinTransformerBlock), nameof(WindowAttention),
    ];

    private readonly WindowedBlockEmitter windowed = new(graph);

    public readonly record struct Value(string Name, Tensor Sample)
    {
        public long[] Shape => Sample.shape;
    }

    public Value Emit(string path, nn.Module module, Value x) => module switch
    {
        ImageClassifier classifier => EmitClassifier(path, classifier, x),
        Sequential sequential => EmitSequential(path, sequential, x),
        Conv2d conv => Leaf(conv, x, EmitConv(path, conv, x)),
        BatchNorm2d norm => Leaf(norm, x, EmitBatchNorm(path, norm, x)),
        ReLU relu => Leaf(relu, x, graph.Node("Relu", path, [x.Name])),
        ReLU6 relu6 => Leaf(relu6, x, graph.Node("Clip", path, [x.Name, graph.FloatScalar("zero", 0f), graph.FloatScalar("six", 6f)])),
        Hardswish hardswish => Leaf(hardswish, x, graph.Node("HardSwish", path, [x.Name])),
        // PyTorch's hardsigmoid is relu6(x + 3) / 6, i.e. ONNX HardSigmoid with alpha 1/6 and beta 1/2.
        Hardsigmoid hardsigmoid => Leaf(hardsigmoid, x, graph.Node("HardSigmoid", path, [x.Name], Float("alpha", 1f / 6f), Float("beta", 0.5f))),
        GELU gelu => Leaf(gelu, x, EmitGelu(path, gelu, x)),
        MaxPool2d pool => Leaf(pool, x, EmitMaxPool(path, pool, x)),
        AdaptiveAvgPool2d pool => Leaf(pool, x, EmitAdaptiveAveragePool(path, pool, x)),
        Flatten flatten => Leaf(flatten, x, EmitFlatten(path, flatten, x)),
        Linear linear => Leaf(linear, x, EmitLinear(path, linear, x)),
        // Export is for inference: dropout is the identity in eval mode.
        Dropout => x,
        LayerNorm norm => Leaf(norm, x, EmitLayerNorm(path, norm, x)),
        Softmax softmax => Leaf(softmax, x, graph.Node("Softmax", path, [x.Name], Int("axis", softmax.dim))),
        BasicBlock block => EmitBasicBlock(path, block, x),
        Bottleneck block => EmitBottleneck(path, block, x),
        InvertedResidual block => EmitInvertedResidual(path, block, x),
        SqueezeExcitation block => EmitSqueezeExcitation(path, block, x),
        TransformerEncoderBlock block => EmitTransformerBlock(path, block, x),
        MultiHeadSelfAttention attention => EmitAttention(path, attention, x),
        VisionTransformerBackbone vit => EmitVisionTransformer(path, vit, x),
        Platform.Training.Models.Pretrained.BgrMeanImageInput input => Leaf(input, x, EmitBgrMeanImageInput(path, input, x)),
        // Stochastic depth, like dropout, is the identity in eval mode.
        StochasticDepth => x,
        Permute permute => Leaf(permute, x, graph.Node("Transpose", path, [x.Name], Ints("perm", permute.Order))),
        ChannelsLastAveragePool pool => Leaf(pool, x, graph.Node("ReduceMean", path, [x.Name], Ints("axes", [1, 2]), Int("keepdims", 0))),
        ChannelsFirstLayerNorm norm => Leaf(norm, x, windowed.EmitChannelsFirstLayerNorm(path, norm, x)),
        ConvNeXtBlock block => windowed.EmitConvNeXtBlock(this, path, block, x),
        PatchMerging merging => windowed.EmitPatchMerging(this, path, merging, x),
        SwinTransformerBlock block => windowed.EmitSwinBlock(this, path, block, x),
        WindowAttention attention => windowed.EmitWindowAttention(this, path, attention, x),
        _ => throw Unsupported(path, module, "no ONNX emitter for this module type"),
    };

    internal static OnnxExportException Unsupported(string path, nn.Module module, string why) =>
        new($"Cannot export module '{(path.Length == 0 ? "<root>" : path)}' of type {module.GetType().FullName}: {why}. "
            + $"Supported modules: {string.Join(", ", SupportedModules)}.");

    internal static string Join(string path, string child) => path.Length == 0 ? child : $"{path}.{child}";

    private static Value Leaf(nn.Module module, Value input, string output) =>
        new(output, ((nn.Module<Tensor, Tensor>)module).call(input.Sample));

    internal static Dictionary<string, nn.Module> Children(nn.Module module) =>
        module.named_children().ToDictionary(child => child.name, child => child.module, StringComparer.Ordinal);

    internal Value EmitChild(string path, Dictionary<string, nn.Module> children, string name, Value x, nn.Module owner) =>
        children.TryGetValue(name, out var child)
            ? Emit(Join(path, name), child, x)
            : throw Unsupported(path, owner, $"expected a child module named '{name}'");

    private Value EmitClassifier(string path, ImageClassifier classifier, Value x)
    {
        var features = Emit(Join(path, "backbone"), classifier.Backbone, x);
        return Emit(Join(path, "head"), classifier.Head, features);
    }

    private Value EmitSequential(string path, Sequential sequential, Value x)
    {
        foreach (var (name, child) in sequential.named_children())
        {
            x = Emit(Join(path, name), child, x);
        }

        return x;
    }

    private string EmitConv(string path, Conv2d conv, Value x)
    {
        if (conv.padding_type is not null || conv.padding_mode != PaddingModes.Zeros)
        {
            throw Unsupported(path, conv, "only explicit zero padding is exported");
        }

        var inputs = new List<string> { x.Name, graph.Initializer($"{path}.weight", conv.weight!) };
        if (conv.bias is { } bias)
        {
            inputs.Add(graph.Initializer($"{path}.bias", bias));
        }

        var padding = Pair(conv.padding ?? [0]);
        return graph.Node("Conv", path, inputs,
            Ints("kernel_shape", conv.kernel_size),
            Ints("strides", Pair(conv.stride)),
            Ints("pads", [padding[0], padding[1], padding[0], padding[1]]),
            Ints("dilations", Pair(conv.dilation)),
            Int("group", conv.groups));
    }

    private static long[] Pair(long[] values) => values.Length == 1 ? [values[0], values[0]] : values;

    private string EmitBatchNorm(string path, BatchNorm2d norm, Value x)
    {
        if (norm.running_mean is null || norm.running_var is null)
        {
            throw Unsupported(path, norm, "batch norm without running statistics cannot run in inference mode");
        }

        var channels = norm.num_features;
        string scale = norm.weight is { } weight ? graph.Initializer($"{path}.weight", weight) : graph.Initializer($"{path}.weight", Filled(channels, 1f), [channels]);
        string shift = norm.bias is { } bias ? graph.Initializer($"{path}.bias", bias) : graph.Initializer($"{path}.bias", Filled(channels, 0f), [channels]);
        return graph.Node("BatchNormalization", path,
            [x.Name, scale, shift, graph.Initializer($"{path}.running_mean", norm.running_mean), graph.Initializer($"{path}.running_var", norm.running_var)],
            Float("epsilon", (float)norm.eps));
    }

    private static float[] Filled(long count, float value) => Enumerable.Repeat(value, checked((int)count)).ToArray();

    private string EmitGelu(string path, GELU gelu, Value x)
    {
        if (gelu.approximate != GELU.Approximate.none)
        {
            throw Unsupported(path, gelu, "only the exact (erf) GELU is exported");
        }

        // Opset 17 has no Gelu operator: 0.5 · x · (1 + erf(x / √2)), the exact form PyTorch computes.
        var erf = graph.Node("Erf", $"{path}.erf", [graph.Node("Div", $"{path}.scaled", [x.Name, graph.FloatScalar("sqrt2", MathF.Sqrt(2f))])]);
        var onePlus = graph.Node("Add", $"{path}.one_plus", [erf, graph.FloatScalar("one", 1f)]);
        var product = graph.Node("Mul", $"{path}.x_times", [x.Name, onePlus]);
        return graph.Node("Mul", path, [product, graph.FloatScalar("half", 0.5f)]);
    }

    private string EmitMaxPool(string path, MaxPool2d pool, Value x)
    {
        var kernel = Pair(pool.kernel_size);
        var stride = pool.stride is { Length: > 0 } s ? Pair(s) : kernel;
        var padding = pool.padding is { Length: > 0 } p ? Pair(p) : [0, 0];
        var dilation = pool.dilation is { Length: > 0 } d ? Pair(d) : [1, 1];
        return graph.Node("MaxPool", path, [x.Name],
            Ints("kernel_shape", kernel),
            Ints("strides", stride),
            Ints("pads", [padding[0], padding[1], padding[0], padding[1]]),
            Ints("dilations", dilation),
            Int("ceil_mode", pool.ceil_mode ? 1 : 0));
    }

    private string EmitAdaptiveAveragePool(string path, AdaptiveAvgPool2d pool, Value x)
    {
        var output = Pair(pool.output_size);
        long height = x.Shape[2], width = x.Shape[3];
        if (output[0] == 1 && output[1] == 1)
        {
            return graph.Node("GlobalAveragePool", path, [x.Name]);
        }

        if (output[0] == height && output[1] == width)
        {
            return graph.Node("Identity", path, [x.Name]);
        }

        // Adaptive average pooling is linear and separable: out = A_h · x · A_wᵀ with A's rows averaging PyTorch's
        // bins [⌊i·n/m⌋, ⌈(i+1)·n/m⌉). Two broadcast MatMuls reproduce it for any input and output size.
        var rows = graph.Initializer($"{path}.rows", AveragingMatrix(output[0], height), [output[0], height]);
        var columnsTransposed = graph.Initializer($"{path}.columns_t", Transpose(AveragingMatrix(output[1], width), output[1], width), [width, output[1]]);
        var pooledColumns = graph.Node("MatMul", $"{path}.columns", [x.Name, columnsTransposed]);
        return graph.Node("MatMul", path, [rows, pooledColumns]);
    }

    private static float[] AveragingMatrix(long outputs, long inputs)
    {
        var matrix = new float[outputs * inputs];
        for (long i = 0; i < outputs; i++)
        {
            long start = i * inputs / outputs, end = ((i + 1) * inputs + outputs - 1) / outputs;
            for (var j = start; j < end; j++)
            {
                matrix[i * inputs + j] = 1f / (end - start);
            }
        }

        return matrix;
    }

    private static float[] Transpose(float[] matrix, long rows, long columns)
    {
        var result = new float[matrix.Length];
        for (long r = 0; r < rows; r++)
        {
            for (long c = 0; c < columns; c++)
            {
                result[c * rows + r] = matrix[r * columns + c];
            }
        }

        return result;
    }

    private string EmitFlatten(string path, Flatten flatten, Value x)
    {
        var rank = x.Shape.Length;
        var end = flatten.end_dim < 0 ? flatten.end_dim + rank : flatten.end_dim;
        if (flatten.start_dim != 1 || end != rank - 1)
        {
            throw Unsupported(path, flatten, "only flattening every axis after the batch axis is exported");
        }

        return graph.Node("Flatten", path, [x.Name], Int("axis", 1));
    }

    private string EmitLinear(string path, Linear linear, Value x)
    {
        if (x.Shape.Length == 2)
        {
            var inputs = new List<string> { x.Name, graph.Initializer($"{path}.weight", linear.weight!) };
            if (linear.bias is { } gemmBias)
            {
                inputs.Add(graph.Initializer($"{path}.bias", gemmBias));
            }

            return graph.Node("Gemm", path, inputs, Int("transB", 1));
        }

        // Token inputs [N, T, in]: MatMul broadcasts over the leading axes, Gemm would not.
        using var transposed = linear.weight!.detach().t();
        var product = graph.Node("MatMul", linear.bias is null ? path : $"{path}.matmul", [x.Name, graph.Initializer($"{path}.weight_t", transposed)]);
        return linear.bias is { } bias ? graph.Node("Add", path, [product, graph.Initializer($"{path}.bias", bias)]) : product;
    }

    private string EmitLayerNorm(string path, LayerNorm norm, Value x)
    {
        var inputs = new List<string> { x.Name };
        var features = norm.normalized_shape;
        inputs.Add(norm.weight is { } weight ? graph.Initializer($"{path}.weight", weight) : graph.Initializer($"{path}.weight", Filled(features.Aggregate(1L, (a, b) => a * b), 1f), features));
        if (norm.bias is { } bias)
        {
            inputs.Add(graph.Initializer($"{path}.bias", bias));
        }

        return graph.Node("LayerNormalization", path, inputs, Int("axis", -features.Length), Float("epsilon", (float)norm.eps));
    }

    private string EmitBgrMeanImageInput(string path, Platform.Training.Models.Pretrained.BgrMeanImageInput input, Value x)
    {
        var reordered = graph.Node("Gather", $"{path}.channels", [x.Name, graph.Int64Constant($"{path}.channel_order", input.ChannelOrder)], Int("axis", 1));
        var scaled = graph.Node("Mul", $"{path}.scaled", [reordered, graph.Initializer($"{path}.scale", input.Scale)]);
        return graph.Node("Add", path, [scaled, graph.Initializer($"{path}.offset", input.Offset)]);
    }

    private Value EmitBasicBlock(string path, BasicBlock block, Value x)
    {
        var children = Children(block);
        var shortcut = children.ContainsKey("downsample") ? EmitChild(path, children, "downsample", x, block) : x;
        var y = EmitChild(path, children, "conv1", x, block);
        y = EmitChild(path, children, "bn1", y, block);
        y = EmitChild(path, children, "relu", y, block);
        y = EmitChild(path, children, "conv2", y, block);
        y = EmitChild(path, children, "bn2", y, block);
        return ResidualRelu(path, block, x, y, shortcut);
    }

    private Value EmitBottleneck(string path, Bottleneck block, Value x)
    {
        var children = Children(block);
        var shortcut = children.ContainsKey("downsample") ? EmitChild(path, children, "downsample", x, block) : x;
        var y = x;
        foreach (var (conv, norm) in new[] { ("conv1", "bn1"), ("conv2", "bn2") })
        {
            y = EmitChild(path, children, conv, y, block);
            y = EmitChild(path, children, norm, y, block);
            y = EmitChild(path, children, "relu", y, block);
        }

        y = EmitChild(path, children, "conv3", y, block);
        y = EmitChild(path, children, "bn3", y, block);
        return ResidualRelu(path, block, x, y, shortcut);
    }

    private Value ResidualRelu(string path, nn.Module<Tensor, Tensor> block, Value input, Value branch, Value shortcut)
    {
        var sum = graph.Node("Add", $"{path}.add", [branch.Name, shortcut.Name]);
        return new Value(graph.Node("Relu", path, [sum]), block.call(input.Sample));
    }

    private Value EmitInvertedResidual(string path, InvertedResidual block, Value x)
    {
        var y = EmitChild(path, Children(block), "block", x, block);
        var output = block.UsesResidual ? graph.Node("Add", path, [y.Name, x.Name]) : y.Name;
        return new Value(output, block.call(x.Sample));
    }

    private Value EmitSqueezeExcitation(string path, SqueezeExcitation block, Value x)
    {
        var children = Children(block);
        var gate = EmitChild(path, children, "avgpool", x, block);
        foreach (var name in new[] { "fc1", "activation", "fc2", "scale_activation" })
        {
            gate = EmitChild(path, children, name, gate, block);
        }

        return new Value(graph.Node("Mul", path, [x.Name, gate.Name]), block.call(x.Sample));
    }

    private Value EmitTransformerBlock(string path, TransformerEncoderBlock block, Value x)
    {
        var children = Children(block);
        var attended = EmitChild(path, children, "attn", EmitChild(path, children, "norm1", x, block), block);
        var afterAttention = new Value(graph.Node("Add", $"{path}.attn_residual", [x.Name, attended.Name]), x.Sample + attended.Sample);
        var mlp = EmitChild(path, children, "mlp", EmitChild(path, children, "norm2", afterAttention, block), block);
        return new Value(graph.Node("Add", path, [afterAttention.Name, mlp.Name]), block.call(x.Sample));
    }

    private Value EmitAttention(string path, MultiHeadSelfAttention attention, Value x)
    {
        var children = Children(attention);
        long tokens = x.Shape[1], dimension = x.Shape[2], heads = attention.Heads, headDimension = dimension / heads;
        var qkv = EmitChild(path, children, "qkv", x, attention);
        // [N, T, 3·dim] → [N, T, 3, heads, headDim] → [3, N, heads, T, headDim]; 0 in a Reshape keeps the batch axis.
        var split = graph.Node("Reshape", $"{path}.split_heads", [qkv.Name, graph.Int64Constant("shape", [0, tokens, 3, heads, headDimension])]);
        var stacked = graph.Node("Transpose", $"{path}.qkv_first", [split], Ints("perm", [2, 0, 3, 1, 4]));
        string Part(long index, string name) =>
            graph.Node("Gather", $"{path}.{name}", [stacked, graph.Int64Constant("index", [index], [])], Int("axis", 0));
        var (q, k, v) = (Part(0, "q"), Part(1, "k"), Part(2, "v"));
        var keysTransposed = graph.Node("Transpose", $"{path}.k_t", [k], Ints("perm", [0, 1, 3, 2]));
        var scores = graph.Node("Mul", $"{path}.scores", [graph.Node("MatMul", $"{path}.qk", [q, keysTransposed]), graph.FloatScalar("scale", (float)(1.0 / Math.Sqrt(headDimension)))]);
        var weights = graph.Node("Softmax", $"{path}.weights", [scores], Int("axis", -1));
        var perHead = graph.Node("MatMul", $"{path}.weighted", [weights, v]);
        var merged = graph.Node("Reshape", $"{path}.merge_heads",
            [graph.Node("Transpose", $"{path}.tokens_first", [perHead], Ints("perm", [0, 2, 1, 3])), graph.Int64Constant("shape", [0, tokens, dimension])]);
        // The merged tokens have the input's shape [N, T, dim], which is all proj's emitter needs of a sample.
        return EmitChild(path, children, "proj", new Value(merged, x.Sample), attention);
    }

    private Value EmitVisionTransformer(string path, VisionTransformerBackbone vit, Value x)
    {
        var children = Children(vit);
        var parameters = vit.named_parameters(recurse: false).ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var embedded = EmitChild(path, children, "patch_embed", x, vit);
        long dimension = embedded.Shape[1];
        var flat = graph.Node("Reshape", $"{path}.patches", [embedded.Name, graph.Int64Constant("shape", [0, dimension, -1])]);
        var patches = graph.Node("Transpose", $"{path}.tokens", [flat], Ints("perm", [0, 2, 1]));
        // The class token is broadcast to the runtime batch size: Expand to [N, 1, dim] with N read from the input.
        var batch = graph.Node("Slice", $"{path}.batch", [graph.Node("Shape", $"{path}.shape", [patches]), graph.Int64Constant("start", [0]), graph.Int64Constant("end", [1])]);
        var classShape = graph.Node("Concat", $"{path}.cls_shape", [batch, graph.Int64Constant("shape", [1, dimension])], Int("axis", 0));
        var classToken = graph.Node("Expand", $"{path}.cls", [graph.Initializer($"{path}.cls_token", parameters["cls_token"]), classShape]);
        var sequence = graph.Node("Concat", $"{path}.sequence", [classToken, patches], Int("axis", 1));
        var positioned = graph.Node("Add", $"{path}.positioned", [sequence, graph.Initializer($"{path}.pos_embed", parameters["pos_embed"])]);
        var tokensSample = cat([parameters["cls_token"].expand(x.Shape[0], -1, -1), embedded.Sample.flatten(2).transpose(1, 2)], 1) + parameters["pos_embed"];
        var encoded = EmitChild(path, children, "blocks", new Value(positioned, tokensSample), vit);
        var normalised = EmitChild(path, children, "norm", encoded, vit);
        var classOutput = graph.Node("Gather", path, [normalised.Name, graph.Int64Constant("index", [0], [])], Int("axis", 1));
        return new Value(classOutput, vit.call(x.Sample));
    }
}
