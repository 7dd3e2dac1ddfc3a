using Platform.Imaging.Transforms;
using Platform.Imaging.Formats.Recipes;
using Platform.Imaging.Formats;

namespace Platform.Imaging.Tests.Transforms;

/// <summary>
/// The fused pipeline (<see cref="PlanarBilinear"/> + <see cref="ColorJitterPlan"/>) against the step-by-step
/// reference (<see cref="StepByStepTransform"/>: Skia resampling to bytes, one pass per adjustment).
/// </summary>
public class FusedTransformTests
{
    // The reference rounds each resampled value to 8 bits (Skia's own rounding lands up to ~0.51/255 from the exact
    // value); the fused path keeps the float.
    private const float ResampleTolerance = 0.6f / 255f;

    private static readonly float[] ZeroMean = [0f, 0f, 0f];
    private static readonly float[] UnitStd = [1f, 1f, 1f];
    private static readonly ColorJitterOptions ImageNetJitter = new(0.4, 0.4, 0.4, 0.1);

    /// <summary>Random pixels: every neighbour differs, so a tap in the wrong place shows at once.</summary>
    private static ImageBuffer Noise(int width, int height, int seed)
    {
        var image = ImageBuffer.Create(width, height, 3);
        new Random(seed).NextBytes(image.Pixels);
        return image;
    }

    private static float[] Fused(TransformRecipe recipe, ImageBuffer image, int index, int seed = 7)
    {
        var output = new float[recipe.Channels * recipe.Size * recipe.Size];
        new TransformPipeline(recipe).Apply(image, output, seed, epoch: 1, index);
        return output;
    }

    private static float MaxDifference(float[] a, float[] b) =>
        a.Zip(b, (x, y) => Math.Abs(x - y)).Max();

    public static TheoryData<string> Geometries() => ["crop", "crop-gray", "eval", "stretch", "same-size"];

    private static (TransformRecipe Recipe, ImageBuffer Image) Geometry(string name, double flip = 0.5, ColorJitterOptions? jitter = null,
        float[]? mean = null, float[]? std = null) => name switch
    {
        // Crops of 12–61 px resized to 24: both up- and downscaling (≤ 2×, beyond that Skia's mipmaps take over).
        "crop" => (TransformRecipe.Train(24, mean ?? ZeroMean, std ?? UnitStd, horizontalFlipProbability: flip,
            crop: new RandomResizedCropOptions(MinScale: 0.1), colorJitter: jitter), Noise(61, 45, 1)),
        "crop-gray" => (TransformRecipe.Train(20, [(mean ?? ZeroMean)[0]], [(std ?? UnitStd)[0]], channels: 1,
            horizontalFlipProbability: flip, crop: new RandomResizedCropOptions(MinScale: 0.1), colorJitter: jitter), Noise(37, 30, 2)),
        // 50×33 → shorter side 27 (40×27), centre 21×21: the window starts inside the resampled image.
        "eval" => (TransformRecipe.Eval(21, mean ?? ZeroMean, std ?? UnitStd, resizeShorterSide: 27) with
        {
            HorizontalFlipProbability = flip,
            ColorJitter = jitter,
        }, Noise(50, 33, 3)),
        "stretch" => (new TransformRecipe(23, 3, mean ?? ZeroMean, std ?? UnitStd, HorizontalFlipProbability: flip, ColorJitter: jitter),
            Noise(31, 17, 4)),
        "same-size" => (new TransformRecipe(19, 3, mean ?? ZeroMean, std ?? UnitStd, HorizontalFlipProbability: flip, ColorJitter: jitter),
            Noise(19, 19, 5)),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Resampling_matches_skia_bilinear_up_to_its_8_bit_rounding(string geometry)
    {
        var (recipe, image) = Geometry(geometry);
        for (var index = 0; index < 40; index++)
        {
            var fused = Fused(recipe, image, index);
            var reference = StepByStepTransform.Apply(recipe, image, 7, 1, index);
            Assert.True(MaxDifference(fused, reference) <= ResampleTolerance,
                $"{geometry}, sample {index}: {MaxDifference(fused, reference) * 255:F3}/255 from the reference");
        }
    }

    [Fact]
    public void Resampling_without_scaling_copies_the_pixels_exactly()
    {
        var (recipe, image) = Geometry("same-size", flip: 1);
        Assert.Equal(StepByStepTransform.Apply(recipe, image, 7, 1, 0), Fused(recipe, image, 0));
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Full_training_transform_matches_the_step_by_step_reference(string geometry)
    {
        var (recipe, image) = Geometry(geometry, jitter: ImageNetJitter, mean: TransformRecipe.ImageNetMean, std: TransformRecipe.ImageNetStd);
        var largest = 0f;
        for (var index = 0; index < 60; index++)
        {
            var fused = Fused(recipe, image, index);
            var reference = StepByStepTransform.Apply(recipe, image, 7, 1, index);
            // Back in [0, 1] units, where the resampling difference (≤ 0.6/255) starts. Brightness, contrast and
            // saturation each stretch a difference by up to 1.4–1.8×, the hue rotation by up to about 2×, so single
            // values may drift a few /255 apart; on average they stay within the resampling tolerance.
            var std = TransformRecipe.ImageNetStd.Max();
            var difference = MaxDifference(fused, reference) * std;
            var mean = fused.Zip(reference, (x, y) => Math.Abs(x - y)).Average() * std;
            largest = Math.Max(largest, difference);
            Assert.True(difference <= 8 * ResampleTolerance, $"{geometry}, sample {index}: {difference * 255:F3}/255 from the reference");
            Assert.True(mean <= ResampleTolerance, $"{geometry}, sample {index}: {mean * 255:F3}/255 from the reference on average");
        }

        Assert.True(largest > 0, "identical to the byte-rounded reference: the fused path was not taken");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(1)]
    public void Jitter_plan_gives_the_same_values_as_the_adjustments_run_one_by_one(int channels)
    {
        // 37 × 37 pixels: two chunks of the whole-image path, each with full vectors and a one-lane tail.
        var recipe = new TransformRecipe(37, channels, [.. TransformRecipe.ImageNetMean.Take(channels)], [.. TransformRecipe.ImageNetStd.Take(channels)],
            ColorJitter: ImageNetJitter);
        var inverseStd = recipe.Std.Select(s => 1f / s).ToArray();
        var source = new float[channels * 37 * 37];
        var values = new Random(11);
        for (var i = 0; i < source.Length; i++)
        {
            source[i] = values.NextSingle();
        }

        for (var index = 0; index < 50; index++)
        {
            var fused = (float[])source.Clone();
            var random = SampleRandom.ForSample(3, 0, index);
            ColorJitterPlan.Draw(ImageNetJitter, channels, ref random).ApplyInPlace(fused, recipe.Mean, inverseStd);

            var reference = (float[])source.Clone();
            random = SampleRandom.ForSample(3, 0, index);
            StepByStepTransform.Jitter(reference, channels, ImageNetJitter, ref random);
            StepByStepTransform.Normalise(reference, recipe);

            // Only the contrast mean is summed in another order: a few float ulps.
            Assert.True(MaxDifference(fused, reference) <= 1e-5f, $"sample {index}: {MaxDifference(fused, reference)}");
        }
    }

    [Fact]
    public void Jitter_plan_follows_the_drawn_order()
    {
        // Contrast then brightness differs from brightness then contrast once values clamp; a plan that ran the
        // adjustments in a fixed order would match the reference for only some samples.
        var recipe = new TransformRecipe(8, 3, ZeroMean, UnitStd, ColorJitter: new ColorJitterOptions(Brightness: 0.9, Contrast: 0.9));
        var image = Noise(8, 8, 9);
        for (var index = 0; index < 40; index++)
        {
            Assert.True(MaxDifference(Fused(recipe, image, index), StepByStepTransform.Apply(recipe, image, 7, 1, index)) <= 1e-5f);
        }
    }

    [Fact]
    public void Strong_downscaling_still_goes_through_skia_mipmaps()
    {
        // 90×60 → 20×20 is a 4.5× downscale: beyond Resampler.MipmapThreshold.
        var recipe = new TransformRecipe(20, 3, TransformRecipe.ImageNetMean, TransformRecipe.ImageNetStd, HorizontalFlipProbability: 0.5,
            ColorJitter: ImageNetJitter);
        var image = Noise(90, 60, 6);
        for (var index = 0; index < 10; index++)
        {
            Assert.True(MaxDifference(Fused(recipe, image, index), StepByStepTransform.Apply(recipe, image, 7, 1, index)) <= 1e-4f);
        }
    }

    [Fact]
    public void Gathered_and_scalar_resampling_agree_exactly()
    {
        var image = Noise(61, 45, 8);
        foreach (var (region, flip) in new[] { (new CropRegion(3, 5, 40, 30), false), (new CropRegion(10, 2, 17, 41), true), (new CropRegion(0, 0, 61, 45), true) })
        {
            var outputs = new[] { true, false }.Select(useAvx2 =>
            {
                var output = new float[3 * 29 * 29];
                var sums = new ChannelSums();
                PlanarBilinear.Resample(image, region, 29, 29, CropRegion.Whole(29, 29), flip, output, ColorJitterPlan.None(3), ZeroMean, UnitStd,
                    ref sums, useAvx2);
                return output;
            }).ToArray();
            Assert.Equal(outputs[0], outputs[1]);
        }
    }

    [Theory]
    [InlineData(0.5, 4, 0, 0, 0)]        // 2× upscale: output 0's centre maps to −0.25, before source 0's centre: clamped
    [InlineData(0.5, 4, 1, 0, 1, 0.25f)] // output 1 → source 0.25
    [InlineData(0.5, 4, 3, 1, 2, 0.25f)] // output 3 → source 1.25
    [InlineData(0.5, 4, 7, 3, 3)]        // output 7 → 3.25, past the last centre: clamped to the last pixel
    [InlineData(2.0, 8, 0, 0, 1, 0.5f)]  // 2× downscale: output 0 → source 0.5, halfway between pixels 0 and 1
    [InlineData(2.0, 8, 3, 6, 7, 0.5f)]  // output 3 → source 6.5
    public void Taps_use_pixel_centres_and_clamp_at_the_edges(double scale, int sourceLength, int position, int first, int second,
        float weight = float.NaN)
    {
        var taps = PlanarBilinear.Taps(position, scale, sourceLength);
        Assert.Equal((first, second), (taps.First, taps.Second));
        if (!float.IsNaN(weight))
        {
            Assert.Equal(weight, taps.Weight, 1e-6f);
        }
    }
}
