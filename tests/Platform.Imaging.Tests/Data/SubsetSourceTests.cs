using Platform.Imaging.Data;

namespace Platform.Imaging.Tests.Data;

public class SubsetSourceTests
{
    [Fact]
    public void Subset_exposes_the_chosen_samples_in_the_given_order()
    {
        var source = InMemorySource.Numbered(10, classCount: 4);
        var subset = new SubsetSource(source, [7, 2, 9]);

        Assert.Equal(3, subset.Count);
        Assert.Equal(source.Classes, subset.Classes);
        Assert.Equal([7 % 4, 2 % 4, 9 % 4], Enumerable.Range(0, 3).Select(subset.GetLabel));
        Assert.Equal(2, subset.Load(1).Pixels[0]);
        Assert.Equal(9, subset.SourceIndex(2));
    }

    [Fact]
    public void Indices_outside_the_source_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SubsetSource(InMemorySource.Numbered(3, 1), [0, 3]));
    }
}
