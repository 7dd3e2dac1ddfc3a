using Platform.Imaging.Formats.Recipes;

namespace Platform.Imaging.Transforms;

/// <summary>timm's <c>RandomErasing</c> on a normalised planar image; see <see cref="RandomErasingOptions"/>.</summary>
public static class RandomErasing
{
    /// <summary>Erases in place; returns the rectangles written (none when the sample is not erased or nothing fitted).</summary>
    public static IReadOnlyList<CropRegion> Apply(Span<float> chw, int channels, int height, int width, RandomErasingOptions options,
        ref SampleRandom random)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (random.NextDouble() >= options.Probability)
        {
            return [];
        }

        var erased = new List<CropRegion>(options.Count);
        var area = (double)height * width;
        var logMinAspect = Math.Log(options.MinAspect);
        var logMaxAspect = Math.Log(options.MaxAspect);
        var plane = height * width;
        for (var rectangle = 0; rectangle < options.Count; rectangle++)
        {
            for (var attempt = 0; attempt < 10; attempt++)
            {
                var targetArea = random.NextUniform(options.MinArea, options.MaxArea) * area / options.Count;
                var aspect = Math.Exp(random.NextUniform(logMinAspect, logMaxAspect));
                var eraseHeight = (int)Math.Round(Math.Sqrt(targetArea * aspect));
                var eraseWidth = (int)Math.Round(Math.Sqrt(targetArea / aspect));
                if (eraseWidth >= width || eraseHeight >= height)
                {
                    continue;
                }

                var top = random.NextInt(height - eraseHeight + 1);
                var left = random.NextInt(width - eraseWidth + 1);
                for (var channel = 0; channel < channels; channel++)
                {
                    var channelValue = options.Fill == ErasingFill.Channel ? (float)random.NextGaussian() : 0f;
                    for (var y = top; y < top + eraseHeight; y++)
                    {
                        var row = chw.Slice(channel * plane + y * width + left, eraseWidth);
                        if (options.Fill == ErasingFill.Pixel)
                        {
                            for (var x = 0; x < row.Length; x++)
                            {
                                row[x] = (float)random.NextGaussian();
                            }
                        }
                        else
                        {
                            row.Fill(channelValue);
                        }
                    }
                }

                erased.Add(new CropRegion(left, top, eraseWidth, eraseHeight));
                break;
            }
        }

        return erased;
    }
}
