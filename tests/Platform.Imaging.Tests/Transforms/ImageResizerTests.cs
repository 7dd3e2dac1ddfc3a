using Platform.Imaging.Formats;
namespace Platform.Imaging.Tests.Transforms;

public class ImageResizerTests
{
    [Fact]
    public void Resize_keeps_flat_colours_and_channel_order()
    {
        var resized = ImageResizer.Resize(TestImages.Solid(40, 30, 200, 100, 50), 7, 5);
        Assert.Equal((7, 5, 3), (resized.Width, resized.Height, resized.Channels));
        for (var i = 0; i < 35; i++)
        {
            Assert.Equal((200, 100, 50), (resized.Pixels[3 * i], resized.Pixels[3 * i + 1], resized.Pixels[3 * i + 2]));
        }
    }

    [Fact]
    public void Large_downscales_average_the_source_instead_of_skipping_pixels()
    {
        // Vertical stripes, one white column in three. Plain bilinear sampling at a 16× reduction reads only the
        // two columns next to each sample point and would see mostly black; an antialiased reduction sees ~1/3 white.
        var stripes = ImageBuffer.Create(256, 256, 1);
        for (var y = 0; y < 256; y++)
        {
            for (var x = 0; x < 256; x += 3)
            {
                stripes.Pixels[y * 256 + x] = 255;
            }
        }

        var small = ImageResizer.Resize(stripes, 16, 16);

        Assert.All(small.Pixels, value => Assert.InRange(value, 60, 110));
    }

    [Fact]
    public void Fit_within_shrinks_the_longer_side_and_keeps_aspect()
    {
        var fitted = ImageResizer.FitWithin(TestImages.Gradient(400, 100), 200);
        Assert.Equal((200, 50), (fitted.Width, fitted.Height));

        var small = TestImages.Gradient(50, 20);
        Assert.Same(small, ImageResizer.FitWithin(small, 200));
    }
}
