using System.Globalization;
using Platform.Training.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Optimization;

/// <summary>
/// Splits the fine-tuning groups (backbone, head) further, as timm's <c>param_groups_weight_decay</c> and
/// <c>param_groups_layer_decay</c> do: parameters exempt from weight decay (every one- or zero-dimensional tensor —
/// norm scales and shifts, biases, layer scales — and position embeddings, class tokens and relative position bias
/// tables) go to a group of their own, and with layer-wise decay d a parameter of residual block j (of N, counted in
/// forward order; the stem is layer 0, everything after the last block layer N + 1) trains at lr × d^(N + 1 − layer).
/// Names stay those of the input groups for the decayed, top-layer part (so "head" keeps naming the head's rate);
/// the others get ".no_decay" and ".layerL" suffixes.
/// </summary>
public static class ParameterGrouping
{
    private static readonly string[] NoDecayNames = ["pos_embed", "cls_token", "relative_position_bias_table"];

    public static IReadOnlyList<ParameterGroup> Refine(IReadOnlyList<ParameterGroup> groups, ImageClassifier model, bool exemptNormsBiasesAndEmbeddings, double? layerDecay)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(model);
        if (!exemptNormsBiasesAndEmbeddings && layerDecay is null)
        {
            return groups;
        }

        var names = model.named_parameters().ToDictionary(p => p.parameter.Handle, p => p.name);
        var layers = layerDecay is null ? null : LayerIds(model, out _);
        int top = layers is null ? 0 : layers.Values.DefaultIfEmpty(0).Max();
        var refined = new List<ParameterGroup>();
        foreach (var group in groups)
        {
            var parts = group.Parameters
                .Select(p => (Parameter: p,
                    Decays: !exemptNormsBiasesAndEmbeddings || !IsExempt(p, names.GetValueOrDefault(p.Handle, "")),
                    Layer: layers?.GetValueOrDefault(p.Handle, top) ?? top))
                .GroupBy(p => (p.Decays, p.Layer))
                .OrderByDescending(g => g.Key.Decays).ThenByDescending(g => g.Key.Layer);
            foreach (var part in parts)
            {
                var name = group.Name + (part.Key.Decays ? "" : ".no_decay") + (part.Key.Layer == top ? "" : ".layer" + part.Key.Layer.ToString(CultureInfo.InvariantCulture));
                double factor = group.LrFactor * (layerDecay is { } d ? Math.Pow(d, top - part.Key.Layer) : 1);
                refined.Add(new ParameterGroup(name, part.Select(p => p.Parameter).ToArray(), factor, part.Key.Decays));
            }
        }

        return refined;
    }

    /// <summary>Whether weight decay leaves <paramref name="parameter"/> alone (timm's rule).</summary>
    public static bool IsExempt(Parameter parameter, string name) =>
        parameter.dim() <= 1 || NoDecayNames.Any(n => name == n || name.EndsWith("." + n, StringComparison.Ordinal));

    /// <summary>Layer of every parameter: 0 before the first residual block, j + 1 inside block j, the number of
    /// blocks seen between blocks, and <paramref name="blocks"/> + 1 after the last one.</summary>
    public static IReadOnlyDictionary<IntPtr, int> LayerIds(ImageClassifier model, out int blocks)
    {
        ArgumentNullException.ThrowIfNull(model);
        var blockPrefixes = model.named_modules()
            .Where(m => m.module is TransformerEncoderBlock or SwinTransformerBlock or ConvNeXtBlock)
            .Select(m => m.name + ".").ToArray();
        blocks = blockPrefixes.Length;
        var ids = new Dictionary<IntPtr, int>();
        int seen = 0;
        foreach (var (name, parameter) in model.named_parameters())
        {
            int inside = Array.FindIndex(blockPrefixes, prefix => name.StartsWith(prefix, StringComparison.Ordinal));
            if (inside >= 0)
            {
                seen = inside + 1;
                ids[parameter.Handle] = inside + 1;
            }
            else
            {
                ids[parameter.Handle] = seen == blocks && blocks > 0 ? blocks + 1 : seen;
            }
        }

        return ids;
    }
}
