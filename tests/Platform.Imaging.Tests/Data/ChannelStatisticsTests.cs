using Platform.Imaging.Data;
using Platform.Imaging.Formats.Data;
using Platform.Testing;

namespace Platform.Imaging.Tests.Data;

public class ChannelStatisticsTests
{
    [Fact]
    public void Mean_and_std_are_population_statistics_in_unit_range()
    {
        // Channel values: red 0 and 255 (mean 0.5, std 0.5); green constant 51 (0.2, 0); blue 0, 0, 0, 255 in a
        // second image → over 4 pixels: mean 0.25, std sqrt(0.25 · 0.75) = 0.4330.
        var first = TestImages.Solid(1, 2, 0, 51, 0);
        first.Pixels[3] = 255;
        var second = TestImages.Solid(2, 1, 0, 51, 0);
        second.Pixels[0] = 255;
        second.Pixels[5] = 255;
        var source = new InMemorySource([first, second], [0, 0], ["only"]);

        var statistics = ChannelStatistics.Compute(source, channels: 3);

        Assert.Equal(4, statistics.PixelsPerChannel);
        Assert.Equal(0.5f, statistics.Mean[0], 1e-6f);
        Assert.Equal(0.5f, statistics.Std[0], 1e-6f);
        Assert.Equal(0.2f, statistics.Mean[1], 1e-6f);
        Assert.Equal(0f, statistics.Std[1], 1e-6f);
        Assert.Equal(0.25f, statistics.Mean[2], 1e-6f);
        Assert.Equal(0.4330127f, statistics.Std[2], 1e-6f);
    }
}

public class FashionMnistStatisticsTests
{
    [Fact]
    public void Fashion_mnist_train_statistics_match_the_published_values()
    {
        const string folder = RepositoryPaths.FashionMnistFolder;
        Assert.True(File.Exists($"{folder}/train-images-idx3-ubyte.gz"), $"{folder} is missing: run scripts/setup.sh.");
        var train = IdxDataset.Open($"{folder}/train-images-idx3-ubyte.gz", $"{folder}/train-labels-idx1-ubyte.gz");

        var statistics = ChannelStatistics.Compute(train, channels: 1);

        // Widely quoted Fashion-MNIST normalisation constants: mean 0.2860, std 0.3530.
        Assert.Equal(60_000L * 28 * 28, statistics.PixelsPerChannel);
        Assert.Equal(0.2860f, statistics.Mean[0], 0.0001f);
        Assert.Equal(0.3530f, statistics.Std[0], 0.0001f);
    }
}
