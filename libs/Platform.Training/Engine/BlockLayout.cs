using Platform.Training.Models;

namespace Platform.Training.Engine;

/// <summary>
/// Which top-level block each parameter belongs to, for the per-block figures: the head, and each child of the backbone
/// that holds parameters (a ResNet's layer1…layer4, a ViT's blocks). Leading single layers before the first nested child
/// (a ResNet's conv1 and bn1) make one block, <c>stem</c>; a backbone of single layers only (the small CNN) keeps each.
/// Blocks are listed input to output, the head last.
/// </summary>
public sealed class BlockLayout
{
    public const string Stem = "stem";
    public const string Head = "head";

    private BlockLayout(IReadOnlyList<string> blocks, int[] blockOfParameter)
    {
        Blocks = blocks;
        BlockOfParameter = blockOfParameter;
    }

    /// <summary>Block names, input to output.</summary>
    public IReadOnlyList<string> Blocks { get; }

    /// <summary>For each parameter of <c>model.parameters()</c>, the index of its block in <see cref="Blocks"/>.</summary>
    public int[] BlockOfParameter { get; }

    public static BlockLayout Of(ImageClassifier model)
    {
        var names = model.named_parameters().Select(p => p.name).ToArray();
        // "backbone.layer1.0.conv1.weight" → ("layer1", nested); "backbone.conv1.weight" → ("conv1", single layer).
        var children = names.Select(name =>
        {
            var parts = name.Split('.');
            return parts[0] == "backbone" && parts.Length > 2 ? (Name: parts[1], Nested: parts.Length > 3) : (Name: Head, Nested: true);
        }).ToArray();
        bool anyNested = children.Any(c => c.Name != Head && c.Nested);
        var blocks = new List<string>();
        var blockOf = new int[names.Length];
        bool leading = true;
        for (int i = 0; i < names.Length; i++)
        {
            var (child, nested) = children[i];
            leading &= child != Head && !nested;
            var block = anyNested && leading ? Stem : child;
            if (blocks.Count == 0 || blocks[^1] != block)
            {
                blocks.Add(block);
            }

            blockOf[i] = blocks.Count - 1;
        }

        return new BlockLayout(blocks, blockOf);
    }

    /// <summary>√Σ of the squared per-parameter figures in each block; NaN for a block with none (parameters without gradients).</summary>
    public double[] Combine(float[] parameterNorms)
    {
        var sums = new double[Blocks.Count];
        var present = new bool[Blocks.Count];
        for (int i = 0; i < parameterNorms.Length; i++)
        {
            float norm = parameterNorms[i];
            if (float.IsNaN(norm) && !present[BlockOfParameter[i]])
            {
                continue;
            }

            present[BlockOfParameter[i]] = true;
            sums[BlockOfParameter[i]] += (double)norm * norm;
        }

        return sums.Select((sum, b) => present[b] ? Math.Sqrt(sum) : double.NaN).ToArray();
    }
}
