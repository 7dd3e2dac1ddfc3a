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
}
