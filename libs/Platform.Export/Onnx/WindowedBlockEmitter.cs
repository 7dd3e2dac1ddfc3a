using Platform.Training.Models;
using static Platform.Export.Onnx.OnnxGraphBuilder;
using static TorchSharp.torch;
using Value = Platform.Export.Onnx.ModuleEmitter.Value;

namespace Platform.Export.Onnx;

/// <summary>
/// ONNX emitters for the channels-last blocks of Swin Transformer and ConvNeXt, following the forwards documented on
/// <see cref="SwinTransformerBlock"/>, <see cref="WindowAttention"/>, <see cref="PatchMerging"/> and
/// <see cref="ConvNeXtBlock"/>. The cyclic shift becomes Slice + Concat per axis, window partition and reverse become
/// Reshape/Transpose/Reshape, and the relative position bias (table gathered by its index) and the shift mask are
/// folded into constants, since both are fixed once the model is trained. Every Reshape keeps the batch axis dynamic
/// (0 copies it, −1 infers it).
/// </summary>
internal sealed class WindowedBlockEmitter(OnnxGraphBuilder graph)
{
    public string EmitChannelsFirstLayerNorm(string path, ChannelsFirstLayerNorm norm, Value x)
    {
        var channelsLast = graph.Node("Transpose", $"{path}.channels_last", [x.Name], Ints("perm", [0, 2, 3, 1]));
        var normalised = graph.Node("LayerNormalization", $"{path}.norm",
            [channelsLast, graph.Initializer($"{path}.weight", norm.Weight), graph.Initializer($"{path}.bias", norm.Bias)],
            Int("axis", -1), Float("epsilon", (float)norm.Eps));
        return graph.Node("Transpose", path, [normalised], Ints("perm", [0, 3, 1, 2]));
    }

    public Value EmitConvNeXtBlock(ModuleEmitter emitter, string path, ConvNeXtBlock block, Value x)
    {
        var children = ModuleEmitter.Children(block);
        var y = emitter.EmitChild(path, children, "dwconv", x, block);
        y = new Value(graph.Node("Transpose", $"{path}.channels_last", [y.Name], Ints("perm", [0, 2, 3, 1])), y.Sample.permute(0, 2, 3, 1));
        foreach (var name in new[] { "norm", "pwconv1", "act", "pwconv2" })
        {
            y = emitter.EmitChild(path, children, name, y, block);
        }

        var scaled = graph.Node("Mul", $"{path}.layer_scale", [y.Name, graph.Initializer($"{path}.gamma", block.LayerScale)]);
        var channelsFirst = graph.Node("Transpose", $"{path}.channels_first", [scaled], Ints("perm", [0, 3, 1, 2]));
        return new Value(graph.Node("Add", path, [x.Name, channelsFirst]), block.call(x.Sample));
    }

    public Value EmitPatchMerging(ModuleEmitter emitter, string path, PatchMerging merging, Value x)
    {
        long height = x.Shape[1], width = x.Shape[2], channels = x.Shape[3];
        var split = graph.Node("Reshape", $"{path}.split", [x.Name, graph.Int64Constant("shape", [0, height / 2, 2, width / 2, 2, channels])]);
        var ordered = graph.Node("Transpose", $"{path}.order", [split], Ints("perm", [0, 1, 3, 4, 2, 5]));
        var grouped = graph.Node("Reshape", $"{path}.grouped", [ordered, graph.Int64Constant("shape", [0, height / 2, width / 2, 4 * channels])]);
        var sample = x.Sample.reshape(x.Shape[0], height / 2, 2, width / 2, 2, channels).permute(0, 1, 3, 4, 2, 5).reshape(x.Shape[0], height / 2, width / 2, 4 * channels);
        var children = ModuleEmitter.Children(merging);
        var normalised = emitter.EmitChild(path, children, "norm", new Value(grouped, sample), merging);
        return emitter.EmitChild(path, children, "reduction", normalised, merging);
    }

    public Value EmitSwinBlock(ModuleEmitter emitter, string path, SwinTransformerBlock block, Value x)
    {
        var children = ModuleEmitter.Children(block);
        long window = block.Window, side = block.Resolution, channels = x.Shape[3];
        var normalised = emitter.EmitChild(path, children, "norm1", x, block);
        var shifted = Roll(path, "shift", normalised, -block.Shift);
        var partitioned = new Value(Partition(path, shifted.Name, window, side, channels), SwinWindows.Partition(shifted.Sample, window));
        var attended = emitter.EmitChild(path, children, "attn", partitioned, block);
        var reversed = new Value(Reverse(path, attended.Name, window, side, channels), SwinWindows.Reverse(attended.Sample, window, side, side));
        var restored = Roll(path, "unshift", reversed, block.Shift);
        var afterAttention = new Value(graph.Node("Add", $"{path}.attn_residual", [x.Name, restored.Name]), x.Sample + restored.Sample);
        var mlp = emitter.EmitChild(path, children, "mlp", emitter.EmitChild(path, children, "norm2", afterAttention, block), block);
        return new Value(graph.Node("Add", path, [afterAttention.Name, mlp.Name]), block.call(x.Sample));
    }

    public Value EmitWindowAttention(ModuleEmitter emitter, string path, WindowAttention attention, Value x)
    {
        var children = ModuleEmitter.Children(attention);
        long tokens = x.Shape[1], dimension = x.Shape[2], heads = attention.Heads, headDimension = dimension / heads;
        var qkv = emitter.EmitChild(path, children, "qkv", x, attention);
        // [B·nW, T, 3·dim] → [B·nW, T, 3, heads, headDim] → [3, B·nW, heads, T, headDim]
        var split = graph.Node("Reshape", $"{path}.split_heads", [qkv.Name, graph.Int64Constant("shape", [0, tokens, 3, heads, headDimension])]);
        var stacked = graph.Node("Transpose", $"{path}.qkv_first", [split], Ints("perm", [2, 0, 3, 1, 4]));
        string Part(long index, string name) =>
            graph.Node("Gather", $"{path}.{name}", [stacked, graph.Int64Constant("index", [index], [])], Int("axis", 0));
        var (q, k, v) = (Part(0, "q"), Part(1, "k"), Part(2, "v"));
        var scaledQueries = graph.Node("Mul", $"{path}.q_scaled", [q, graph.FloatScalar("scale", (float)attention.Scale)]);
        var keysTransposed = graph.Node("Transpose", $"{path}.k_t", [k], Ints("perm", [0, 1, 3, 2]));
        var scores = graph.Node("MatMul", $"{path}.qk", [scaledQueries, keysTransposed]);
        using (var bias = attention.RelativePositionBias())
        {
            scores = graph.Node("Add", $"{path}.biased", [scores, graph.Initializer($"{path}.relative_position_bias", bias)]);
        }

        if (attention.Mask is { } mask)
        {
            // [B·nW, heads, T, T] → [B, nW, heads, T, T] + mask [nW, 1, T, T] → back.
            var perImage = graph.Node("Reshape", $"{path}.per_image", [scores, graph.Int64Constant("shape", [-1, attention.WindowsPerImage, heads, tokens, tokens])]);
            using var broadcastMask = mask.unsqueeze(1);
            var masked = graph.Node("Add", $"{path}.masked", [perImage, graph.Initializer($"{path}.attn_mask", broadcastMask)]);
            scores = graph.Node("Reshape", $"{path}.per_window", [masked, graph.Int64Constant("shape", [-1, heads, tokens, tokens])]);
        }

        var weights = graph.Node("Softmax", $"{path}.weights", [scores], Int("axis", -1));
        var perHead = graph.Node("MatMul", $"{path}.weighted", [weights, v]);
        var merged = graph.Node("Reshape", $"{path}.merge_heads",
            [graph.Node("Transpose", $"{path}.tokens_first", [perHead], Ints("perm", [0, 2, 1, 3])), graph.Int64Constant("shape", [0, tokens, dimension])]);
        return emitter.EmitChild(path, children, "proj", new Value(merged, x.Sample), attention);
    }

    /// <summary>torch.roll by <paramref name="shift"/> along the two spatial axes of [N, H, W, C]: per axis,
    /// Concat(Slice(L − s, L), Slice(0, L − s)) with s taken modulo L (a negative shift rolls the other way).</summary>
    private Value Roll(string path, string name, Value x, int shift)
    {
        if (shift == 0)
        {
            return x;
        }

        var output = x.Name;
        foreach (long axis in new long[] { 1, 2 })
        {
            long length = x.Shape[axis], split = ((length - shift) % length + length) % length;
            string Slice(long start, long end, string part) => graph.Node("Slice", $"{path}.{name}{axis}_{part}",
                [output, graph.Int64Constant("start", [start]), graph.Int64Constant("end", [end]), graph.Int64Constant("axes", [axis])]);
            var tail = Slice(split, length, "tail");
            var head = Slice(0, split, "head");
            output = graph.Node("Concat", $"{path}.{name}{axis}", [tail, head], Int("axis", axis));
        }

        return new Value(output, x.Sample.roll([shift, shift], [1, 2]));
    }

    private string Partition(string path, string map, long window, long side, long channels)
    {
        var split = graph.Node("Reshape", $"{path}.window_split", [map, graph.Int64Constant("shape", [0, side / window, window, side / window, window, channels])]);
        var ordered = graph.Node("Transpose", $"{path}.window_order", [split], Ints("perm", [0, 1, 3, 2, 4, 5]));
        return graph.Node("Reshape", $"{path}.windows", [ordered, graph.Int64Constant("shape", [-1, window * window, channels])]);
    }

    private string Reverse(string path, string windows, long window, long side, long channels)
    {
        var split = graph.Node("Reshape", $"{path}.window_grid", [windows, graph.Int64Constant("shape", [-1, side / window, side / window, window, window, channels])]);
        var ordered = graph.Node("Transpose", $"{path}.map_order", [split], Ints("perm", [0, 1, 3, 2, 4, 5]));
        return graph.Node("Reshape", $"{path}.map", [ordered, graph.Int64Constant("shape", [-1, side, side, channels])]);
    }
}
