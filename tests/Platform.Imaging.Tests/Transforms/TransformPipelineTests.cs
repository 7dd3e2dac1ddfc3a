using Platform.Imaging.Transforms;
using Platform.Imaging.Formats.Recipes;
using Platform.Imaging.Formats;

namespace Platform.Imaging.Tests.Transforms;

public class TransformPipelineTests
{
    private static readonly float[] ZeroMean = [0f, 0f, 0f];
    private static readonly float[] UnitStd = [1f, 1f, 1f];

    private static float[] Run(TransformPipeline pipeline, ImageBuffer image, int seed = 0, int epoch = 0, int index = 0)
    {
        var output = new float[pipeline.OutputLength];
        pipeline.Apply(image, output, seed, epoch, index);
        return output;
    }

    [Fact]
    public void Normalize_subtracts_mean_and_divides_by_std_per_channel()
    {
        var recipe = new TransformRecipe(2, 3, [0.5f, 0.25f, 0f], [0.5f, 0.25f, 2f]);
        var output = Run(new TransformPipeline(recipe), TestImages.Solid(2, 2, 255, 51, 102));

        // (1 − 0.5) / 0.5 = 1; (0.2 − 0.25) / 0.25 = −0.2; (0.4 − 0) / 2 = 0.2
        Assert.All(output[..4], v => Assert.Equal(1f, v, 1e-6f));
        Assert.All(output[4..8], v => Assert.Equal(-0.2f, v, 1e-6f));
        Assert.All(output[8..], v => Assert.Equal(0.2f, v, 1e-6f));
    }

    [Fact]
    public void Output_is_planar_chw_scaled_to_unit_range()
    {
        var image = TestImages.Gradient(3, 3);
        var output = Run(new TransformPipeline(new TransformRecipe(3, 3, ZeroMean, UnitStd)), image);
        // Green plane, row 1, column 2 = green byte of pixel (x 2, y 1).
        Assert.Equal(image.Pixels[3 * (1 * 3 + 2) + 1] / 255f, output[9 + 1 * 3 + 2], 1e-6f);
    }

    [Fact]
    public void Flip_with_probability_one_mirrors_rows()
    {
        var image = TestImages.Gradient(4, 3);
        var plain = Run(new TransformPipeline(new TransformRecipe(4, 3, ZeroMean, UnitStd)), image);
        var flipped = Run(new TransformPipeline(new TransformRecipe(4, 3, ZeroMean, UnitStd, HorizontalFlipProbability: 1)), image);
        for (var plane = 0; plane < 3; plane++)
        {
            for (var y = 0; y < 4; y++)
            {
                for (var x = 0; x < 4; x++)
                {
                    Assert.Equal(plain[plane * 16 + y * 4 + x], flipped[plane * 16 + y * 4 + (3 - x)]);
                }
            }
        }
    }

    [Fact]
    public void Flip_probability_is_respected_across_samples()
    {
        var image = TestImages.Gradient(4, 4);
        var pipeline = new TransformPipeline(new TransformRecipe(4, 3, ZeroMean, UnitStd, HorizontalFlipProbability: 0.5));
        var plain = Run(new TransformPipeline(new TransformRecipe(4, 3, ZeroMean, UnitStd)), image);
        var flips = Enumerable.Range(0, 1000).Count(i => !Run(pipeline, image, index: i).SequenceEqual(plain));
        Assert.InRange(flips, 440, 560);
    }

    [Fact]
    public void Resampling_keeps_rgb_channel_order()
    {
        // Left half red, right half blue, downscaled 64 → 32: the edge columns keep their colours.
        var image = TestImages.Solid(64, 64, 255, 0, 0);
        for (var y = 0; y < 64; y++)
        {
            for (var x = 32; x < 64; x++)
            {
                image.Pixels[3 * (y * 64 + x)] = 0;
                image.Pixels[3 * (y * 64 + x) + 2] = 255;
            }
        }

        var output = Run(new TransformPipeline(new TransformRecipe(32, 3, ZeroMean, UnitStd)), image);
        const int plane = 32 * 32;
        Assert.Equal(1f, output[5 * 32 + 0], 1e-6f);              // red plane, left column
        Assert.Equal(0f, output[2 * plane + 5 * 32 + 0], 1e-6f);  // blue plane, left column
        Assert.Equal(0f, output[5 * 32 + 31], 1e-6f);             // red plane, right column
        Assert.Equal(1f, output[2 * plane + 5 * 32 + 31], 1e-6f); // blue plane, right column
    }

    [Fact]
    public void Grayscale_images_resample_in_one_channel()
    {
        var image = ImageBuffer.Create(28, 28, 1);
        Array.Fill(image.Pixels, (byte)51);
        var output = Run(new TransformPipeline(new TransformRecipe(14, 1, [0f], [1f])), image);
        Assert.Equal(14 * 14, output.Length);
        Assert.All(output, v => Assert.Equal(0.2f, v, 1e-6f));
    }

    [Fact]
    public void Channel_count_follows_the_recipe()
    {
        var gray = ImageBuffer.Create(2, 2, 1);
        Array.Fill(gray.Pixels, (byte)102);
        var rgb = Run(new TransformPipeline(new TransformRecipe(2, 3, ZeroMean, UnitStd)), gray);
        Assert.All(rgb, v => Assert.Equal(0.4f, v, 1e-6f));

        // Luma of (255, 0, 0) = 0.299 · 255 = 76.2 → 76.
        var fromRgb = Run(new TransformPipeline(new TransformRecipe(2, 1, [0f], [1f])), TestImages.Solid(2, 2, 255, 0, 0));
        Assert.All(fromRgb, v => Assert.Equal(76 / 255f, v, 1e-6f));
    }

    [Fact]
    public void Eval_resizes_the_shorter_side_then_cuts_the_centre()
    {
        // 40×20 with a white 2-pixel border: resize shorter side 20 → 20 (no scaling), crop 16×16 centre,
        // which must contain no border pixels.
        var image = TestImages.Solid(40, 20, 0, 0, 0);
        for (var y = 0; y < 20; y++)
        {
            for (var x = 0; x < 40; x++)
            {
                if (x < 12 || x >= 28 || y < 2 || y >= 18)
                {
                    Array.Fill(image.Pixels, (byte)255, 3 * (y * 40 + x), 3);
                }
            }
        }

        var output = Run(new TransformPipeline(TransformRecipe.Eval(16, ZeroMean, UnitStd, resizeShorterSide: 20)), image);
        Assert.All(output, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Same_seed_epoch_and_index_give_the_same_output()
    {
        var pipeline = new TransformPipeline(TransformRecipe.Train(24, TransformRecipe.ImageNetMean, TransformRecipe.ImageNetStd,
            colorJitter: new ColorJitterOptions(0.4, 0.4, 0.4, 0.1)));
        var image = TestImages.Gradient(40, 30);
        Assert.Equal(Run(pipeline, image, 5, 2, 17), Run(pipeline, image, 5, 2, 17));
    }

    [Fact]
    public void Different_epoch_index_or_seed_give_different_output()
    {
        var pipeline = new TransformPipeline(TransformRecipe.Train(24, TransformRecipe.ImageNetMean, TransformRecipe.ImageNetStd,
            colorJitter: new ColorJitterOptions(0.4, 0.4, 0.4, 0.1)));
        var image = TestImages.Gradient(40, 30);
        var reference = Run(pipeline, image, 5, 2, 17);
        Assert.NotEqual(reference, Run(pipeline, image, 5, 3, 17));
        Assert.NotEqual(reference, Run(pipeline, image, 5, 2, 18));
        Assert.NotEqual(reference, Run(pipeline, image, 6, 2, 17));
    }

    [Fact]
    public void Eval_recipe_ignores_seed_epoch_and_index()
    {
        var pipeline = new TransformPipeline(TransformRecipe.Eval(24, TransformRecipe.ImageNetMean, TransformRecipe.ImageNetStd));
        var image = TestImages.Gradient(40, 30);
        Assert.True(pipeline.Recipe.IsDeterministic);
        Assert.Equal(Run(pipeline, image, 1, 2, 3), Run(pipeline, image, 9, 8, 7));
    }

    [Fact]
    public void Jitter_matches_the_adjustments_applied_by_hand_in_the_drawn_order()
    {
        // Brightness only: the drawn factor must lie in [0.5, 1.5] and scale a mid-gray pixel accordingly.
        var pipeline = new TransformPipeline(new TransformRecipe(1, 3, ZeroMean, UnitStd, ColorJitter: new ColorJitterOptions(Brightness: 0.5)));
        var factors = Enumerable.Range(0, 200)
            .Select(i => Run(pipeline, TestImages.Solid(1, 1, 100, 100, 100), index: i)[0] / (100 / 255f))
            .ToArray();
        Assert.All(factors, f => Assert.InRange(f, 0.5f - 1e-5f, 1.5f + 1e-5f));
        Assert.True(factors.Min() < 0.6f && factors.Max() > 1.4f, "brightness factors do not span their range");
    }

    [Fact]
    public void Output_span_must_be_large_enough()
    {
        var pipeline = new TransformPipeline(new TransformRecipe(4, 3, ZeroMean, UnitStd));
        Assert.Throws<ArgumentException>(() => pipeline.Apply(TestImages.Solid(4, 4, 0, 0, 0), new float[47]));
    }
}
