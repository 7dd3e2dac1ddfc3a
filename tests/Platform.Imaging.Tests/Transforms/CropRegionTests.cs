using Platform.Imaging.Transforms;
using Platform.Imaging.Formats.Recipes;

namespace Platform.Imaging.Tests.Transforms;

public class CropRegionTests
{
    [Theory]
    [InlineData(256, 256)]
    [InlineData(300, 200)]
    [InlineData(120, 480)]
    public void Random_resized_crops_stay_inside_the_image_within_scale_and_ratio(int width, int height)
    {
        var options = new RandomResizedCropOptions(0.08, 1.0, 3.0 / 4.0, 4.0 / 3.0);
        var areas = new List<double>();
        for (var sample = 0; sample < 500; sample++)
        {
            var random = SampleRandom.ForSample(7, 0, sample);
            var crop = CropRegion.SampleRandomResized(width, height, options, ref random);

            Assert.InRange(crop.Left, 0, width - crop.Width);
            Assert.InRange(crop.Top, 0, height - crop.Height);
            if (crop == CropRegion.CenterFallback(width, height, options))
            {
                continue;
            }

            // Width and height were rounded from sqrt(area·ratio) and sqrt(area/ratio): the unrounded values lie within
            // half a pixel, so the drawn area and ratio lie within these bounds, which must meet the allowed ranges.
            double w = crop.Width, h = crop.Height, total = (double)width * height;
            areas.Add(w * h / total);
            Assert.True((w + 0.5) * (h + 0.5) / total >= options.MinScale, $"{crop}: area below MinScale");
            Assert.True((w - 0.5) * (h - 0.5) / total <= options.MaxScale, $"{crop}: area above MaxScale");
            Assert.True((w + 0.5) / (h - 0.5) >= options.MinRatio, $"{crop}: ratio below MinRatio");
            Assert.True((w - 0.5) / (h + 0.5) <= options.MaxRatio, $"{crop}: ratio above MaxRatio");
        }

        // The crops really are random: most attempts succeed and they span the scale range.
        Assert.True(areas.Count > 400, $"only {areas.Count} of 500 crops were not the fallback");
        var largestFittingArea = Math.Min(width, height * options.MaxRatio) * Math.Min(height, width / options.MinRatio) / (width * height);
        Assert.True(areas.Min() < 0.15 && areas.Max() > 0.8 * largestFittingArea, $"areas span only {areas.Min():F2}–{areas.Max():F2}");
    }

    [Fact]
    public void Random_resized_crop_falls_back_to_a_centred_crop_when_no_attempt_fits()
    {
        // 1000×10: any crop with area ≥ 8% of 10000 and ratio ≤ 4/3 is taller than 10 px, so all 10 attempts fail.
        var options = new RandomResizedCropOptions();
        var random = SampleRandom.ForSample(1, 2, 3);
        var crop = CropRegion.SampleRandomResized(1000, 10, options, ref random);

        // Ratio clamped to 4/3: height 10, width round(13.33) = 13, centred.
        Assert.Equal(new CropRegion(493, 0, 13, 10), crop);
    }

    [Fact]
    public void Fallback_keeps_the_whole_image_when_its_ratio_is_allowed()
    {
        Assert.Equal(new CropRegion(0, 0, 100, 90), CropRegion.CenterFallback(100, 90, new RandomResizedCropOptions()));
    }

    [Fact]
    public void Shorter_side_resize_keeps_aspect_and_truncates_the_longer_side()
    {
        Assert.Equal((256, 384), CropRegion.ShorterSideSize(200, 300, 256));
        Assert.Equal((341, 256), CropRegion.ShorterSideSize(400, 300, 256));
    }

    [Fact]
    public void Center_crop_rounds_half_offsets_to_even()
    {
        // (257 − 224) / 2 = 16.5 → 16 (Python's round), (258 − 224) / 2 = 17.
        Assert.Equal(new CropRegion(16, 17, 224, 224), CropRegion.Center(257, 258, 224, 224));
    }
}
