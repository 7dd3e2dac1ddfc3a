using Platform.Imaging.Formats;
using Platform.Imaging.Transforms;
using Platform.Testing;

namespace Platform.Imaging.Tests.Transforms;

/// <summary>Each RandAugment/TrivialAugment operation on a real photo (an art4apps JPEG at 64 × 64).</summary>
public class AugmentOpsTests
{
    private const int Side = 64;
    private static readonly byte[] Black = [0, 0, 0];
    private static readonly byte[] Gray = [124, 116, 104];
    private static readonly Lazy<ImageBuffer> Photo = new(() =>
        ImageResizer.Resize(ImageDecoder.Decode(File.ReadAllBytes(Path.Combine(RepositoryPaths.Art4Apps, "nature", "shore.jpg"))), Side, Side));

    private static ImageBuffer Apply(AugmentOp op, double argument = 0, byte[]? fill = null) =>
        AugmentOps.Apply(Photo.Value, new AugmentStep(op, argument), fill ?? Black);

    private static byte At(ImageBuffer image, int x, int y, int channel) => image.Pixels[(y * image.Width + x) * image.Channels + channel];

    private static IEnumerable<byte> Channel(ImageBuffer image, int channel) => image.Pixels.Where((_, i) => i % 3 == channel);

    [Fact]
    public void The_photo_is_a_colour_image_with_spread_values()
    {
        // The tests below rely on it: not flat, not already stretched to 0–255, and coloured.
        var red = Channel(Photo.Value, 0).ToArray();
        Assert.True(red.Max() - red.Min() > 60);
        Assert.True(Photo.Value.Pixels.Chunk(3).Count(p => p[0] != p[1] || p[1] != p[2]) > Side * Side / 4);
    }

    [Theory]
    [InlineData(AugmentOp.Identity, 0)]
    [InlineData(AugmentOp.Brightness, 1)]
    [InlineData(AugmentOp.Contrast, 1)]
    [InlineData(AugmentOp.Color, 1)]
    [InlineData(AugmentOp.Sharpness, 1)]
    [InlineData(AugmentOp.Posterize, 8)]
    [InlineData(AugmentOp.Solarize, 256)]
    [InlineData(AugmentOp.SolarizeAdd, 0)]
    [InlineData(AugmentOp.Rotate, 0)]
    [InlineData(AugmentOp.ShearX, 0)]
    [InlineData(AugmentOp.TranslateY, 0)]
    public void The_neutral_argument_leaves_the_image_unchanged(AugmentOp op, double argument) =>
        Assert.Equal(Photo.Value.Pixels, Apply(op, argument).Pixels);

    [Fact]
    public void Invert_maps_each_value_to_255_minus_it()
    {
        var inverted = Apply(AugmentOp.Invert);
        Assert.All(Photo.Value.Pixels.Zip(inverted.Pixels), pair => Assert.Equal(255 - pair.First, pair.Second));
    }

    [Fact]
    public void Autocontrast_stretches_every_channel_to_the_full_range_keeping_the_order()
    {
        var stretched = Apply(AugmentOp.AutoContrast);
        for (var channel = 0; channel < 3; channel++)
        {
            Assert.Equal(0, Channel(stretched, channel).Min());
            Assert.Equal(255, Channel(stretched, channel).Max());
        }

        AssertMonotone(Photo.Value, stretched);
    }

    [Fact]
    public void Equalize_maps_each_value_by_its_cumulative_count_as_pil_does_and_keeps_the_order()
    {
        var equalized = Apply(AugmentOp.Equalize);
        AssertMonotone(Photo.Value, equalized);
        for (var channel = 0; channel < 3; channel++)
        {
            // PIL: step = (pixels − pixels at the brightest value) // 255; value v → (step // 2 + pixels below v) // step.
            var values = Channel(Photo.Value, channel).ToArray();
            var step = (values.Length - values.Count(v => v == values.Max())) / 255;
            var mapped = Channel(equalized, channel).ToArray();
            for (var i = 0; i < values.Length; i += 37)
            {
                Assert.Equal(Math.Min(255, (step / 2 + values.Count(v => v < values[i])) / step), mapped[i]);
            }

            Assert.True(mapped.Max() - mapped.Min() >= values.Max() - values.Min());
        }
    }

    [Fact]
    public void Posterize_keeps_the_most_significant_bits()
    {
        var posterized = Apply(AugmentOp.Posterize, 3);
        Assert.All(Photo.Value.Pixels.Zip(posterized.Pixels), pair => Assert.Equal(pair.First & 0b1110_0000, pair.Second));
        Assert.All(Apply(AugmentOp.Posterize, 0).Pixels, value => Assert.Equal(0, value));
    }

    [Fact]
    public void Solarize_inverts_values_at_or_above_the_threshold()
    {
        var solarized = Apply(AugmentOp.Solarize, 128);
        Assert.All(Photo.Value.Pixels.Zip(solarized.Pixels), pair => Assert.Equal(pair.First >= 128 ? 255 - pair.First : pair.First, pair.Second));
    }

    [Fact]
    public void Solarize_add_brightens_only_values_below_128()
    {
        var added = Apply(AugmentOp.SolarizeAdd, 99);
        Assert.All(Photo.Value.Pixels.Zip(added.Pixels), pair => Assert.Equal(pair.First < 128 ? Math.Min(255, pair.First + 99) : pair.First, pair.Second));
    }

    [Fact]
    public void Brightness_scales_values_and_zero_gives_black()
    {
        var darker = Apply(AugmentOp.Brightness, 0.5);
        Assert.All(Photo.Value.Pixels.Zip(darker.Pixels), pair => Assert.Equal(pair.First / 2, pair.Second));
        Assert.All(Apply(AugmentOp.Brightness, 0).Pixels, value => Assert.Equal(0, value));
    }

    [Fact]
    public void Color_zero_gives_gray_pixels_and_two_moves_away_from_gray()
    {
        var gray = Apply(AugmentOp.Color, 0);
        Assert.All(gray.Pixels.Chunk(3), pixel => Assert.True(pixel[0] == pixel[1] && pixel[1] == pixel[2]));
        var vivid = Apply(AugmentOp.Color, 1.72);
        Assert.True(ChromaSum(vivid) > 1.3 * ChromaSum(Photo.Value));
    }

    [Fact]
    public void Contrast_zero_is_the_mean_gray_and_more_contrast_spreads_the_values()
    {
        var flat = Apply(AugmentOp.Contrast, 0);
        var meanGray = Photo.Value.Pixels.Chunk(3).Average(p => (p[0] * 299 + p[1] * 587 + p[2] * 114 + 500) / 1000);
        Assert.All(flat.Pixels, value => Assert.Equal((int)(meanGray + 0.5), value));
        Assert.True(StandardDeviation(Apply(AugmentOp.Contrast, 1.72).Pixels) > 1.3 * StandardDeviation(Photo.Value.Pixels));
    }

    [Fact]
    public void Sharpness_keeps_the_border_and_raises_the_edges_inside()
    {
        var sharpened = Apply(AugmentOp.Sharpness, 2);
        for (var i = 0; i < Side; i++)
        {
            for (var channel = 0; channel < 3; channel++)
            {
                Assert.Equal(At(Photo.Value, i, 0, channel), At(sharpened, i, 0, channel));
                Assert.Equal(At(Photo.Value, 0, i, channel), At(sharpened, 0, i, channel));
                Assert.Equal(At(Photo.Value, i, Side - 1, channel), At(sharpened, i, Side - 1, channel));
            }
        }

        Assert.True(EdgeEnergy(sharpened) > 1.2 * EdgeEnergy(Photo.Value));
        Assert.True(EdgeEnergy(Apply(AugmentOp.Sharpness, 0)) < 0.8 * EdgeEnergy(Photo.Value));
    }

    [Fact]
    public void Rotate_90_turns_the_image_counter_clockwise_exactly()
    {
        var rotated = Apply(AugmentOp.Rotate, 90);
        for (var y = 0; y < Side; y++)
        {
            for (var x = 0; x < Side; x++)
            {
                for (var channel = 0; channel < 3; channel++)
                {
                    // Counter-clockwise: the right-hand column becomes the top row.
                    Assert.Equal(At(Photo.Value, Side - 1 - y, x, channel), At(rotated, x, y, channel));
                }
            }
        }
    }

    [Fact]
    public void Rotate_30_fills_the_corners_with_the_fill_colour_and_keeps_the_centre()
    {
        var rotated = Apply(AugmentOp.Rotate, 30, Gray);
        Assert.Equal(Gray, rotated.Pixels[..3]);
        Assert.Equal(Gray, rotated.Pixels[^3..]);
        var centre = 3 * (Side / 2 * Side + Side / 2);
        Assert.Equal(Photo.Value.Pixels.AsSpan(centre, 3).ToArray(), rotated.Pixels.AsSpan(centre, 3).ToArray(), (a, b) => Math.Abs(a - b) <= 24);
    }

    [Fact]
    public void Translate_moves_the_content_by_the_argument_and_fills_what_it_uncovers()
    {
        var moved = Apply(AugmentOp.TranslateX, 5, Gray);
        var up = Apply(AugmentOp.TranslateY, -7, Gray);
        for (var y = 0; y < Side; y++)
        {
            for (var x = 0; x < Side; x++)
            {
                for (var channel = 0; channel < 3; channel++)
                {
                    Assert.Equal(x + 5 < Side ? At(Photo.Value, x + 5, y, channel) : Gray[channel], At(moved, x, y, channel));
                    Assert.Equal(y - 7 >= 0 ? At(Photo.Value, x, y - 7, channel) : Gray[channel], At(up, x, y, channel));
                }
            }
        }
    }

    [Fact]
    public void Shear_x_shifts_each_row_by_the_factor_times_its_height()
    {
        const double Factor = 0.3;
        var sheared = Apply(AugmentOp.ShearX, Factor);
        // Row y reads the input from x + 0.3 · (y + ½): the best matching whole shift of row 50 is 15.
        foreach (var y in new[] { 10, 30, 50 })
        {
            var expected = (int)Math.Round(Factor * (y + 0.5));
            var best = Enumerable.Range(0, 25).MinBy(shift => RowDistance(sheared, y, shift));
            Assert.InRange(best, expected - 1, expected + 1);
        }

        var shearedY = Apply(AugmentOp.ShearY, -Factor, Gray);
        // Column x reads the input from y − 0.3 · (x + ½): the top-right corner reads above the image.
        Assert.Equal(Gray, shearedY.Pixels.AsSpan(3 * (Side - 1), 3).ToArray());
        Assert.Equal(Photo.Value.Pixels[^3..], shearedY.Pixels.AsSpan(3 * (Side * Side - Side), 3).ToArray());
    }

    [Fact]
    public void Grayscale_images_take_every_operation()
    {
        var gray = Photo.Value.WithChannels(1);
        foreach (var op in Enum.GetValues<AugmentOp>())
        {
            var result = AugmentOps.Apply(gray, new AugmentStep(op, op is AugmentOp.Posterize ? 4 : 0.5), [128]);
            Assert.Equal(gray.Pixels.Length, result.Pixels.Length);
        }

        Assert.Equal(gray.Pixels, AugmentOps.Apply(gray, new AugmentStep(AugmentOp.Color, 0), [128]).Pixels);
    }

    [Fact]
    public void A_fill_without_a_value_per_channel_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => AugmentOps.Apply(Photo.Value, new AugmentStep(AugmentOp.Rotate, 10), [0]));
        Assert.Contains("one value per channel (3)", error.Message);
    }

    private static double RowDistance(ImageBuffer sheared, int y, int shift) =>
        Enumerable.Range(0, Side - shift).Sum(x => Enumerable.Range(0, 3).Sum(c => Math.Abs(At(sheared, x, y, c) - At(Photo.Value, x + shift, y, c))))
        / (double)(Side - shift);

    private static void AssertMonotone(ImageBuffer before, ImageBuffer after)
    {
        for (var channel = 0; channel < 3; channel++)
        {
            var pairs = Channel(before, channel).Zip(Channel(after, channel)).Distinct().OrderBy(p => p.First).ToArray();
            for (var i = 1; i < pairs.Length; i++)
            {
                Assert.True(pairs[i].Second >= pairs[i - 1].Second, $"value {pairs[i].First} maps below value {pairs[i - 1].First}");
            }
        }
    }

    private static double ChromaSum(ImageBuffer image) => image.Pixels.Chunk(3).Sum(p => p.Max() - p.Min());

    private static double StandardDeviation(byte[] values)
    {
        var mean = values.Average(v => (double)v);
        return Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
    }

    private static double EdgeEnergy(ImageBuffer image)
    {
        double sum = 0;
        for (var y = 1; y < Side - 1; y++)
        {
            for (var x = 1; x < Side - 1; x++)
            {
                for (var channel = 0; channel < 3; channel++)
                {
                    var laplacian = 4 * At(image, x, y, channel) - At(image, x - 1, y, channel) - At(image, x + 1, y, channel)
                                    - At(image, x, y - 1, channel) - At(image, x, y + 1, channel);
                    sum += laplacian * laplacian;
                }
            }
        }

        return sum;
    }
}
