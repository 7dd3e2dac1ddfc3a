using Platform.Imaging.Transforms;

namespace Platform.Imaging.Tests.Transforms;

public class ColorAdjustmentsTests
{
    private const float Tolerance = 1e-5f;

    // Planar CHW with one pixel: R, G, B.
    private static float[] Pixel(float red, float green, float blue) => [red, green, blue];

    private static void AssertPixel(float[] chw, float red, float green, float blue, float tolerance = Tolerance)
    {
        Assert.Equal(red, chw[0], tolerance);
        Assert.Equal(green, chw[1], tolerance);
        Assert.Equal(blue, chw[2], tolerance);
    }

    [Fact]
    public void Brightness_scales_every_value_and_clamps_at_one()
    {
        var pixel = Pixel(0.2f, 0.4f, 0.6f);
        ColorAdjustments.AdjustBrightness(pixel, 1.5f);
        AssertPixel(pixel, 0.3f, 0.6f, 0.9f);

        ColorAdjustments.AdjustBrightness(pixel, 2f);
        AssertPixel(pixel, 0.6f, 1f, 1f);
    }

    [Fact]
    public void Contrast_blends_with_the_mean_of_the_grayscale_image()
    {
        // Two pixels, red and blue: grayscale 0.2989 and 0.114, mean 0.20645.
        float[] image = [1f, 0f, /* G */ 0f, 0f, /* B */ 0f, 1f];
        ColorAdjustments.AdjustContrast(image, 3, 0.5f);
        const float halfMean = 0.5f * 0.20645f;
        float[] expected = [0.5f + halfMean, halfMean, halfMean, halfMean, halfMean, 0.5f + halfMean];
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], image[i], Tolerance);
        }
    }

    [Fact]
    public void Saturation_blends_each_pixel_with_its_grayscale_value()
    {
        // gray(0.8, 0.4, 0.2) = 0.2989·0.8 + 0.587·0.4 + 0.114·0.2 = 0.49672
        var half = Pixel(0.8f, 0.4f, 0.2f);
        ColorAdjustments.AdjustSaturation(half, 3, 0.5f);
        AssertPixel(half, 0.4f + 0.24836f, 0.2f + 0.24836f, 0.1f + 0.24836f);

        var none = Pixel(0.8f, 0.4f, 0.2f);
        ColorAdjustments.AdjustSaturation(none, 3, 0f);
        AssertPixel(none, 0.49672f, 0.49672f, 0.49672f);
    }

    [Fact]
    public void Hue_rotates_through_hsv()
    {
        // (0.8, 0.4, 0.2): H = 20° (1/18 turn), S = 0.75, V = 0.8. Shifting by 0.1 turn gives H = 56°:
        // sector 0, f = 0.9333, p = 0.2, t = 0.8·(1 − 0.75·0.0667) = 0.76 → (V, t, p).
        var pixel = Pixel(0.8f, 0.4f, 0.2f);
        ColorAdjustments.AdjustHue(pixel, 3, 0.1f);
        AssertPixel(pixel, 0.8f, 0.76f, 0.2f);

        var red = Pixel(1f, 0f, 0f);
        ColorAdjustments.AdjustHue(red, 3, 0.5f);
        AssertPixel(red, 0f, 1f, 1f);

        var wrapsBelowZero = Pixel(1f, 0f, 0f);
        ColorAdjustments.AdjustHue(wrapsBelowZero, 3, -1f / 3f);
        AssertPixel(wrapsBelowZero, 0f, 0f, 1f);
    }

    [Fact]
    public void Hue_gives_the_same_values_on_the_vector_path_and_keeps_gray_pixels()
    {
        // 37 pixels (several SIMD vectors plus a tail): colour (0.8, 0.4, 0.2) alternating with gray 0.5,
        // and yellow (1, 1, 0) at the end, which is 60° and turns to 96° (sector 1: q = 1 − 0.6 = 0.4 → (0.4, 1, 0)).
        const int Pixels = 37;
        var image = new float[3 * Pixels];
        for (var i = 0; i < Pixels; i++)
        {
            (image[i], image[Pixels + i], image[2 * Pixels + i]) = i % 2 == 0 ? (0.8f, 0.4f, 0.2f) : (0.5f, 0.5f, 0.5f);
        }

        (image[Pixels - 1], image[2 * Pixels - 1], image[3 * Pixels - 1]) = (1f, 1f, 0f);
        ColorAdjustments.AdjustHue(image, 3, 0.1f);

        for (var i = 0; i < Pixels - 1; i++)
        {
            var expected = i % 2 == 0 ? (0.8f, 0.76f, 0.2f) : (0.5f, 0.5f, 0.5f);
            Assert.Equal(expected.Item1, image[i], Tolerance);
            Assert.Equal(expected.Item2, image[Pixels + i], Tolerance);
            Assert.Equal(expected.Item3, image[2 * Pixels + i], Tolerance);
        }

        Assert.Equal(0.4f, image[Pixels - 1], Tolerance);
        Assert.Equal(1f, image[2 * Pixels - 1], Tolerance);
        Assert.Equal(0f, image[3 * Pixels - 1], Tolerance);
    }

    [Fact]
    public void Saturation_and_hue_leave_grayscale_images_unchanged()
    {
        float[] gray = [0.1f, 0.5f, 0.9f];
        ColorAdjustments.AdjustSaturation(gray, 1, 0f);
        ColorAdjustments.AdjustHue(gray, 1, 0.3f);
        Assert.Equal([0.1f, 0.5f, 0.9f], gray);
    }

    [Fact]
    public void Contrast_on_grayscale_uses_the_plain_mean()
    {
        float[] gray = [0.2f, 0.6f];
        ColorAdjustments.AdjustContrast(gray, 1, 2f);
        // mean 0.4: 2·0.2 − 0.4 = 0, 2·0.6 − 0.4 = 0.8
        Assert.Equal(0f, gray[0], Tolerance);
        Assert.Equal(0.8f, gray[1], Tolerance);
    }
}
