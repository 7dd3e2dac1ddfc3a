using Platform.Imaging.Formats.Recipes;
using Platform.Imaging.Transforms;

namespace Platform.Imaging.Tests.Transforms;

public class RandomErasingTests
{
    private const int Side = 32;
    private const float Marker = 7f;

    private static (float[] Image, IReadOnlyList<CropRegion> Erased) Erase(RandomErasingOptions options, int index)
    {
        var image = Enumerable.Repeat(Marker, 3 * Side * Side).ToArray();
        var random = SampleRandom.ForSample(11, 0, index);
        return (image, RandomErasing.Apply(image, 3, Side, Side, options, ref random));
    }

    [Fact]
    public void Erased_rectangles_have_area_and_aspect_in_range_and_nothing_outside_changes()
    {
        var options = new RandomErasingOptions(Probability: 1, Fill: ErasingFill.Constant);
        for (var index = 0; index < 300; index++)
        {
            var (image, erased) = Erase(options, index);
            var region = Assert.Single(erased);
            // Rounding the sides to whole pixels moves area and aspect a little past their ranges.
            Assert.InRange(region.Width * region.Height / (double)(Side * Side), 0.02 * 0.6, 1 / 3.0 * 1.25);
            Assert.InRange(region.Height / (double)region.Width, 0.3 * 0.7, 1 / 0.3 * 1.4);
            for (var channel = 0; channel < 3; channel++)
            {
                for (var y = 0; y < Side; y++)
                {
                    for (var x = 0; x < Side; x++)
                    {
                        var inside = x >= region.Left && x < region.Left + region.Width && y >= region.Top && y < region.Top + region.Height;
                        Assert.Equal(inside ? 0f : Marker, image[channel * Side * Side + y * Side + x]);
                    }
                }
            }
        }
    }

    [Fact]
    public void Probability_is_the_share_of_erased_samples()
    {
        var erased = Enumerable.Range(0, 2000).Count(i => Erase(new RandomErasingOptions(Probability: 0.25), i).Erased.Count > 0);
        Assert.InRange(erased, 440, 560);
    }

    [Fact]
    public void Pixel_fill_is_standard_normal_and_channel_fill_is_one_value_per_channel()
    {
        var values = new List<float>();
        for (var index = 0; index < 50; index++)
        {
            var (image, _) = Erase(new RandomErasingOptions(Probability: 1), index);
            values.AddRange(image.Where(v => v != Marker));
        }

        var mean = values.Average();
        var std = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(mean, -0.05, 0.05);
        Assert.InRange(std, 0.95, 1.05);

        var (channelFilled, rectangles) = Erase(new RandomErasingOptions(Probability: 1, Fill: ErasingFill.Channel), 3);
        var region = Assert.Single(rectangles);
        for (var channel = 0; channel < 3; channel++)
        {
            var plane = channelFilled.AsSpan(channel * Side * Side, Side * Side).ToArray();
            Assert.Single(plane.Where(v => v != Marker).Distinct());
            Assert.Equal(region.Width * region.Height, plane.Count(v => v != Marker));
        }
    }

    [Fact]
    public void Several_rectangles_share_the_area()
    {
        var (_, erased) = Erase(new RandomErasingOptions(Probability: 1, MinArea: 0.3, MaxArea: 0.3, Count: 3), 0);
        Assert.Equal(3, erased.Count);
        Assert.All(erased, r => Assert.InRange(r.Width * r.Height / (double)(Side * Side), 0.07, 0.13));
    }
}
