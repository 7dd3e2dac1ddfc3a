using Platform.Cli.Rendering;

namespace Platform.Cli.Tests;

public sealed class SparklineTests
{
    [Fact]
    public void A_rising_curve_rises_from_the_lowest_to_the_highest_block()
    {
        Assert.Equal("▁▂▃▄▅▆▇█", Sparkline.Render([0, 1, 2, 3, 4, 5, 6, 7]));
    }

    [Fact]
    public void A_long_curve_is_resampled_to_the_width_keeping_both_ends()
    {
        var line = Sparkline.Render(Enumerable.Range(0, 1000).Select(i => (double)i).ToList(), width: 10);

        Assert.Equal(10, line.Length);
        Assert.Equal('▁', line[0]);
        Assert.Equal('█', line[^1]);
    }

    [Fact]
    public void Flat_empty_and_non_finite_values_do_not_break_it()
    {
        Assert.Equal("▅▅▅", Sparkline.Render([2, 2, 2]));
        Assert.Equal("", Sparkline.Render([]));
        Assert.Equal("▁█", Sparkline.Render([double.NaN, 1, double.PositiveInfinity, 3]));
    }
}
