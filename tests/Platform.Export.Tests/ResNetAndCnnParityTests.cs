using Platform.Training.Models;

namespace Platform.Export.Tests;

/// <summary>ONNX Runtime reproduces the TorchSharp logits of the CNN and ResNet registry models on real images.</summary>
public sealed class ResNetAndCnnParityTests
{
    private static readonly Platform.Imaging.Data.SubsetSource Images = Art4Apps.Take(2, "animals", "food", "transport", "fruit_n_veg");

    public static TheoryData<string, int> Models => new()
    {
        { "small_cnn", 28 },
        { "resnet18_small", 32 },
        { "resnet34_small", 32 },
        { "resnet50_small", 32 },
        { "resnet18", 64 },
        { "resnet34", 64 },
        { "resnet50", 64 },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void RandomlyInitialisedModelMatchesWithinGate(string architecture, int size)
    {
        using var model = ModelRegistry.Create(architecture, new ModelOptions(NumClasses: 4, ImageSize: size));

        var report = ExportFixtures.ExportAndCompare(model, Images, ExportFixtures.Recipe(size));

        Assert.True(report.Passed, report.ToString());
        Assert.Equal(7, report.ImagesCompared);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void BrieflyTrainedModelMatchesWithinGate(string architecture, int size)
    {
        using var model = ModelRegistry.Create(architecture, new ModelOptions(NumClasses: 4, ImageSize: size));
        var recipe = ExportFixtures.Recipe(size);
        ExportFixtures.TrainBriefly(model, Images, recipe);

        var report = ExportFixtures.ExportAndCompare(model, Images, recipe);

        Assert.True(report.Passed, report.ToString());
    }
}
