using Platform.Training.Models;
using Platform.Training.Configuration.Architectures;

namespace Platform.Training.Tests.Models;

public sealed class ArchitectureCatalogTests
{
    [Fact]
    public void The_registry_builds_exactly_the_architectures_the_catalogue_lists()
    {
        Assert.Empty(ModelRegistry.Mismatches);
        Assert.Equal(ArchitectureCatalog.Names, ModelRegistry.Names);
    }

    [Fact]
    public void Every_catalogued_architecture_builds_at_its_default_size_with_the_described_channels()
    {
        foreach (var info in ArchitectureCatalog.Architectures.Where(a => a.DefaultImageSize <= 64))
        {
            using var model = ModelRegistry.Create(info.Name, new ModelOptions(NumClasses: 3, InputChannels: info.SupportsSingleChannel ? 1 : 3, ImageSize: info.DefaultImageSize, PatchSize: 4));
            Assert.Equal(info.Name, model.Architecture);
        }
    }

    // Figures of the 224-px architectures cost a forward pass each at 224 px; those are checked in
    // ModelRegistryTests.ParameterCount_MatchesPublishedImageNetModel (parameters) and below for the transformers
    // (multiply-adds). The small-image architectures are cheap, so every figure of theirs is recounted here.
    [Fact]
    public void Listed_figures_of_the_small_image_architectures_are_those_of_the_built_models()
    {
        var small = ArchitectureCatalog.Architectures.Where(a => a.DefaultImageSize <= 64).ToArray();

        var built = small.Select(a => Count(a.Name, a.DefaultImageSize));

        Assert.Equal(small.Select(a => (a.Name, a.Parameters, a.MultiplyAdds)), built);
    }

    [Theory]
    [InlineData("swin_tiny")]
    [InlineData("convnext_tiny")]
    public void Listed_multiply_adds_are_counted_on_the_built_model(string name)
    {
        var info = ArchitectureCatalog.Describe(name);

        Assert.Equal((name, info.Parameters, info.MultiplyAdds), Count(name, info.DefaultImageSize));
    }

    // Published "FLOPs" (multiply-adds) at 224 px: He et al. 2016 (Table 1), Touvron et al. 2021 (DeiT-S),
    // Liu et al. 2021 (Swin-T, Table 1), Liu et al. 2022 (ConvNeXt-T, Table 10).
    [Theory]
    [InlineData("resnet18", 1.8)]
    [InlineData("resnet50", 4.1)]
    [InlineData("vit_small", 4.6)]
    [InlineData("swin_tiny", 4.5)]
    [InlineData("convnext_tiny", 4.5)]
    public void Multiply_adds_match_the_published_figures(string name, double publishedGiga)
    {
        var counted = ArchitectureCatalog.Describe(name).MultiplyAdds / 1e9;

        Assert.InRange(counted, publishedGiga * 0.96, publishedGiga * 1.04);
    }

    private static (string, long, long) Count(string name, int imageSize)
    {
        using var model = ModelRegistry.Create(name, new ModelOptions(NumClasses: 1000, ImageSize: imageSize));
        return (name, ModelRegistry.CountParameters(model), ModelComplexity.MultiplyAdds(model, 3, imageSize));
    }
}
