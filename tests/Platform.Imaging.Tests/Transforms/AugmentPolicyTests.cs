using Platform.Imaging.Formats.Recipes;
using Platform.Imaging.Transforms;

namespace Platform.Imaging.Tests.Transforms;

public class AugmentPolicyTests
{
    private const int Size = 224;

    private static List<AugmentStep> DrawRandAugment(RandAugmentOptions options, int samples)
    {
        var steps = new List<AugmentStep>();
        var buffer = new AugmentStep[options.N];
        for (var i = 0; i < samples; i++)
        {
            var random = SampleRandom.ForSample(7, 0, i);
            var count = AugmentPolicy.DrawRandAugment(options, Size, ref random, buffer);
            steps.AddRange(buffer[..count]);
        }

        return steps;
    }

    [Fact]
    public void Rand_m9_mstd05_applies_each_of_two_operations_with_probability_one_half_and_uses_all_fifteen()
    {
        var steps = DrawRandAugment(new RandAugmentOptions(), 2000);
        // 2 operations × p 0.5 = 1 applied per sample on average.
        Assert.InRange(steps.Count, 1880, 2120);
        Assert.Equal(15, steps.Select(s => s.Op).Distinct().Count());
        Assert.DoesNotContain(steps, s => s.Op == AugmentOp.Identity);
    }

    [Fact]
    public void Rand_m9_mstd05_arguments_stay_within_the_magnitude_clip()
    {
        var steps = DrawRandAugment(new RandAugmentOptions(MagnitudeStd: 3), 3000);
        // Magnitude ≤ 10 bounds each argument: rotate 30°, shear 0.3, translate 0.45 × 224, enhance 1.9, posterize ≤ 4 bits.
        Assert.All(steps, step =>
        {
            var bound = step.Op switch
            {
                AugmentOp.Rotate => 30,
                AugmentOp.ShearX or AugmentOp.ShearY => 0.3,
                AugmentOp.TranslateX or AugmentOp.TranslateY => 0.45 * Size,
                AugmentOp.Color or AugmentOp.Contrast or AugmentOp.Brightness or AugmentOp.Sharpness => 1.9,
                AugmentOp.Posterize => 4,
                AugmentOp.Solarize => 256,
                AugmentOp.SolarizeAdd => 110,
                _ => 0,
            };
            Assert.InRange(Math.Abs(step.Argument), 0, bound + 1e-9);
        });
        // Both signs of the signed operations occur, and a clipped magnitude reaches the bound.
        Assert.Contains(steps, s => s.Op == AugmentOp.Rotate && s.Argument < 0);
        Assert.Contains(steps, s => s.Op == AugmentOp.Rotate && s.Argument > 0);
        Assert.Contains(steps, s => s.Op == AugmentOp.Rotate && Math.Abs(s.Argument) == 30);
    }

    [Fact]
    public void Magnitude_nine_without_spread_gives_timms_arguments()
    {
        var steps = DrawRandAugment(new RandAugmentOptions(MagnitudeStd: 0, Probability: 1), 300);
        Assert.All(steps, step => Assert.Equal(step.Op switch
        {
            AugmentOp.Rotate => 27,
            AugmentOp.ShearX or AugmentOp.ShearY => 0.27,
            AugmentOp.TranslateX or AugmentOp.TranslateY => 0.405 * Size,
            AugmentOp.Color or AugmentOp.Contrast or AugmentOp.Brightness or AugmentOp.Sharpness => 1.72,
            AugmentOp.Posterize => 3,
            AugmentOp.Solarize => 230,
            AugmentOp.SolarizeAdd => 99,
            _ => 0,
        }, Math.Abs(step.Argument), 1e-9));
        Assert.Equal(600, steps.Count);
    }

    [Fact]
    public void Increasing_variants_distort_more_at_higher_magnitude()
    {
        var random = new SampleRandom(1);
        Assert.Equal(1, AugmentPolicy.RandAugmentStep(AugmentOp.Posterize, 9, true, Size, ref random).Argument);
        Assert.Equal(4, AugmentPolicy.RandAugmentStep(AugmentOp.Posterize, 0, true, Size, ref random).Argument);
        Assert.Equal(26, AugmentPolicy.RandAugmentStep(AugmentOp.Solarize, 9, true, Size, ref random).Argument);
        var factor = AugmentPolicy.RandAugmentStep(AugmentOp.Contrast, 9, true, Size, ref random).Argument;
        Assert.True(Math.Abs(factor - 1.81) < 1e-9 || Math.Abs(factor - 0.19) < 1e-9, $"factor {factor}");
    }

    [Fact]
    public void Trivial_augment_wide_draws_its_fourteen_operations_with_torchvisions_ranges()
    {
        var steps = Enumerable.Range(0, 3000).Select(i =>
        {
            var random = SampleRandom.ForSample(3, 1, i);
            return AugmentPolicy.DrawTrivialAugmentWide(ref random);
        }).ToList();
        Assert.Equal(14, steps.Select(s => s.Op).Distinct().Count());
        Assert.All(steps, step =>
        {
            switch (step.Op)
            {
                case AugmentOp.Rotate: Assert.InRange(step.Argument, -135, 135); break;
                case AugmentOp.ShearX or AugmentOp.ShearY: Assert.InRange(step.Argument, -0.99, 0.99); break;
                case AugmentOp.TranslateX or AugmentOp.TranslateY: Assert.Equal(Math.Round(step.Argument), step.Argument); Assert.InRange(step.Argument, -32, 32); break;
                case AugmentOp.Posterize: Assert.InRange(step.Argument, 2, 8); break;
                case AugmentOp.Solarize: Assert.InRange(step.Argument, 0, 255); break;
                case AugmentOp.Color or AugmentOp.Contrast or AugmentOp.Brightness or AugmentOp.Sharpness: Assert.InRange(step.Argument, 0.01, 1.99); break;
                default: Assert.Equal(0, step.Argument); break;
            }
        });
        Assert.Contains(steps, s => s.Op == AugmentOp.Rotate && Math.Abs(s.Argument) == 135);
        Assert.Contains(steps, s => s.Op == AugmentOp.Posterize && s.Argument == 2);
    }
}
