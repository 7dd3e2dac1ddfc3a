using Platform.Imaging.Transforms;
using Platform.Imaging.Formats;

namespace Platform.Imaging;

/// <summary>Whole-image resizing for normalising stored images (Ingest's size policy); training crops use the pipeline.</summary>
public static class ImageResizer
{
    /// <summary>Resamples the whole image to exactly <paramref name="width"/> × <paramref name="height"/>.</summary>
    public static ImageBuffer Resize(ImageBuffer image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (width == image.Width && height == image.Height)
        {
            return image;
        }

        var rows = Resampler.Resample(image, CropRegion.Whole(image.Width, image.Height), width, height,
            new byte[Resampler.TargetLength(image, width, height)]);
        var result = ImageBuffer.Create(width, height, image.Channels);
        if (image.Channels == 1)
        {
            rows.Pixels.AsSpan(0, width * height).CopyTo(result.Pixels);
            return result;
        }

        var target = result.Pixels;
        for (int s = 0, t = 0; t < target.Length; s += rows.PixelStride, t += 3)
        {
            target[t] = rows.Pixels[s + rows.RedOffset];
            target[t + 1] = rows.Pixels[s + rows.GreenOffset];
            target[t + 2] = rows.Pixels[s + rows.BlueOffset];
        }

        return result;
    }

    /// <summary>Shrinks the image, keeping its aspect ratio, so its longer side is at most <paramref name="maxSide"/>; smaller images are returned as they are.</summary>
    public static ImageBuffer FitWithin(ImageBuffer image, int maxSide)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSide, 1);
        var longer = Math.Max(image.Width, image.Height);
        if (longer <= maxSide)
        {
            return image;
        }

        var scale = (double)maxSide / longer;
        return Resize(image, Math.Max(1, (int)Math.Round(image.Width * scale)), Math.Max(1, (int)Math.Round(image.Height * scale)));
    }
}
