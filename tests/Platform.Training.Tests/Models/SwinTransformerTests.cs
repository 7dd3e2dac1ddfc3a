using Platform.Training.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Platform.Training.Configuration.Architectures;

namespace Platform.Training.Tests.Models;

/// <summary>Shifted-window attention against the paper's definition: tokens attend within displaced windows only.</summary>
public sealed class SwinTransformerTests
{
    private const int Side = 8, Window = 4, Shift = 2, Dimension = 8, Heads = 2;

    [Fact]
    public void ShiftedWindowMask_BlocksExactlyThePairsThatComeFromDifferentDisplacedWindows()
    {
        var mask = SwinWindows.ShiftedWindowMask(Side, Side, Window, Shift);
        int windowsPerRow = Side / Window, tokens = Window * Window, blocked = 0;

        for (int w = 0; w < windowsPerRow * windowsPerRow; w++)
        {
            for (int i = 0; i < tokens; i++)
            {
                for (int j = 0; j < tokens; j++)
                {
                    var (pi, pj) = (OriginalPosition(w, i), OriginalPosition(w, j));
                    bool sameDisplacedWindow = DisplacedWindow(pi, Shift) == DisplacedWindow(pj, Shift);
                    float value = mask[(w * tokens + i) * tokens + j];
                    Assert.Equal(sameDisplacedWindow ? 0f : SwinWindows.Blocked, value);
                    blocked += value < 0 ? 1 : 0;
                }
            }
        }

        // Only the windows on the bottom and right edges mix regions: 3 of the 4 windows here.
        Assert.True(blocked > 0);
        Assert.All(Enumerable.Range(0, tokens * tokens), k => Assert.Equal(0f, mask[k]));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Block_MatchesDirectAttentionOverDisplacedWindows(bool shifted)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        using var block = new SwinTransformerBlock(Dimension, Heads, Side, Window, shifted, dropPath: 0);
        using (no_grad())
        {
            // A non-zero bias table, so that a wrong relative index shows up.
            block.Attention.BiasTable.normal_(0, 0.5);
        }

        block.eval();
        using var _ = no_grad();
        var map = randn(2, Side, Side, Dimension);

        var actual = block.call(map);

        var expected = DirectBlock(block, map, shifted ? Shift : 0);
        Assert.Equal(shifted ? Shift : 0, block.Shift);
        Assert.True((actual - expected).abs().max().item<float>() < 1e-5f, $"max |Δ| = {(actual - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void StochasticDepth_DropsWholeSamplesInTrainingAndIsTheIdentityInEval()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(11);
        using var dropPath = new StochasticDepth(0.5);
        var branch = ones(4000, 3, 2);

        dropPath.train();
        var trained = dropPath.call(branch);
        dropPath.eval();
        var evaluated = dropPath.call(branch);

        var perSample = trained.reshape(4000, -1);
        // Each sample is either all 0 or all 1 / (1 − 0.5) = 2, and the mean stays 1.
        Assert.True((perSample.eq(0).all(1) | perSample.eq(2).all(1)).all().item<bool>());
        Assert.InRange(trained.mean().item<float>(), 0.93f, 1.07f);
        Assert.True(evaluated.eq(branch).all().item<bool>());
    }

    [Fact]
    public void DropPathRate_RisesLinearlyOverTheBlocks()
    {
        using var model = ModelRegistry.Create("swin_atto", new ModelOptions(NumClasses: 3, ImageSize: 32, DropPath: 0.14));

        var rates = model.modules().OfType<StochasticDepth>().Select(d => d.Rate).Distinct().ToArray();

        Assert.Equal(Enumerable.Range(0, 8).Select(i => 0.14 * i / 7), rates, new ToleranceComparer(1e-12));
    }

    [Fact]
    public void Validate_ExplainsWhichImageSizesSwinWindowsFit()
    {
        Assert.Empty(ModelRegistry.Validate("swin_atto", new ModelOptions(NumClasses: 3, ImageSize: 64)));
        Assert.Contains("windows", Assert.Single(ModelRegistry.Validate("swin_atto", new ModelOptions(NumClasses: 3, ImageSize: 96))));
        Assert.Contains("multiple of 32", Assert.Single(ModelRegistry.Validate("swin_tiny", new ModelOptions(NumClasses: 3, ImageSize: 456))));
    }

    // The window w and token t (row-major) of the rolled map, back to (row, column) in the unrolled map.
    private static (int Row, int Column) OriginalPosition(int window, int token)
    {
        int windowsPerRow = Side / Window;
        int row = window / windowsPerRow * Window + token / Window, column = window % windowsPerRow * Window + token % Window;
        return ((row + Shift) % Side, (column + Shift) % Side);
    }

    // Liu et al. 2021, Fig. 2: the window grid displaced by (shift, shift); the strip before the first displaced line is a window of its own.
    private static (int, int) DisplacedWindow((int Row, int Column) position, int shift) =>
        ((int)Math.Floor((position.Row - shift) / (double)Window), (int)Math.Floor((position.Column - shift) / (double)Window));

    /// <summary>x + A(norm1(x)), then + mlp(norm2(·)), with A computed token by token over the allowed keys.</summary>
    private static Tensor DirectBlock(SwinTransformerBlock block, Tensor map, int shift)
    {
        var children = block.named_children().ToDictionary(c => c.name, c => c.module);
        var state = block.state_dict();
        var normalised = ((LayerNorm)children["norm1"]).call(map);
        var qkv = normalised.matmul(state["attn.qkv.weight"].t()) + state["attn.qkv.bias"];
        long batch = map.shape[0], headDimension = Dimension / Heads;
        var table = state["attn.relative_position_bias_table"];
        var output = zeros(batch, Side, Side, Dimension);
        var positions = Enumerable.Range(0, Side * Side).Select(p => (Row: p / Side, Column: p % Side)).ToArray();
        foreach (var p in positions)
        {
            var keys = positions.Where(q => DisplacedWindow(q, shift) == DisplacedWindow(p, shift)).ToArray();
            var heads = new List<Tensor>();
            for (int h = 0; h < Heads; h++)
            {
                long offset = h * headDimension;
                var query = qkv[.., p.Row, p.Column, TensorIndex.Slice(offset, offset + headDimension)];
                var scores = stack(keys.Select(q =>
                {
                    var key = qkv[.., q.Row, q.Column, TensorIndex.Slice(Dimension + offset, Dimension + offset + headDimension)];
                    long row = (p.Row - q.Row + Window - 1) * (2 * Window - 1) + (p.Column - q.Column + Window - 1);
                    return (query * key).sum(-1) / Math.Sqrt(headDimension) + table[row, h];
                }).ToArray(), 1).softmax(1);
                var values = stack(keys.Select(q => qkv[.., q.Row, q.Column, TensorIndex.Slice(2 * Dimension + offset, 2 * Dimension + offset + headDimension)]).ToArray(), 1);
                heads.Add((scores.unsqueeze(-1) * values).sum(1));
            }

            output[.., p.Row, p.Column, ..] = cat(heads, -1).matmul(state["attn.proj.weight"].t()) + state["attn.proj.bias"];
        }

        var afterAttention = map + output;
        var mlp = (Sequential)children["mlp"];
        return afterAttention + mlp.call(((LayerNorm)children["norm2"]).call(afterAttention));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
