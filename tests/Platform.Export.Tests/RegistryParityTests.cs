using Platform.Training.Models;
using Platform.Training.Configuration.Architectures;

namespace Platform.Export.Tests;

/// <summary>ONNX Runtime reproduces the TorchSharp logits of every registry architecture on real images.</summary>
public sealed class RegistryParityTests
{
    private static readonly Platform.Imaging.Data.SubsetSource Images = Art4Apps.Take(2, "animals", "food", "transport", "fruit_n_veg");

    // Small inputs keep the suite fast. ImageNet-stem ResNets get 64 px: at 32 px layer4 is 1×1, and a few training
    // steps on 1×1 batch-norm statistics blow eval-mode logits up to ~1e4, where float32 rounding alone exceeds 1e-4.
    public static TheoryData<string, int> Models => new()
    {
        { "small_cnn", 28 },
        { "vgg11_bn", 32 },
        { "mobilenet_v2", 64 },
        { "mobilenet_v3_small", 32 },
        { "mobilenet_v3_large", 32 },
        { "vit_tiny", 32 },
        { "vit_small", 32 },
        { "resnet18_imagenet", 64 },
        { "resnet18_small", 16 },
        { "resnet34_small", 16 },
        { "resnet50_small", 16 },
        { "resnet18", 64 },
        { "resnet34", 64 },
        { "resnet50", 64 },
        { "swin_atto", 32 },
        { "convnext_atto", 32 },
    };

    // The full-size variants go through exactly the emitters of their reduced ones (swin_atto: shifted and unshifted
    // windows, mask, bias, merging; convnext_atto: every ConvNeXt module) and would cost this suite's CPU budget:
    // swin_tiny only builds for 224 px (its 7×7 windows must tile every stage), convnext_tiny has 28 M parameters.
    private static readonly string[] CoveredByReducedVariant = ["swin_tiny", "convnext_tiny"];

    // VGG-11's 120 M classifier weights make each export of it take seconds; the trained case below exports the same graph
    // with batch-norm statistics that moved, which is the harder comparison, so its untrained export is left out.
    public static TheoryData<string, int> UntrainedModels
    {
        get
        {
            var models = new TheoryData<string, int>();
            foreach (var row in Models.Where(row => (string)row[0] != "vgg11_bn"))
            {
                models.Add((string)row[0], (int)row[1]);
            }
            return models;
        }
    }

    [Theory]
    [MemberData(nameof(UntrainedModels))]
    public void RandomlyInitialisedModelMatchesWithinGate(string architecture, int size)
    {
        using var model = ModelRegistry.Create(architecture, Options(size));

        var report = ExportFixtures.ExportAndCompare(model, Images, ExportFixtures.Recipe(size));

        Assert.True(report.Passed, report.ToString());
        Assert.Equal(7, report.ImagesCompared);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void BrieflyTrainedModelMatchesWithinGate(string architecture, int size)
    {
        using var model = ModelRegistry.Create(architecture, Options(size));
        var recipe = ExportFixtures.Recipe(size);
        ExportFixtures.TrainBriefly(model, Images, recipe);

        var report = ExportFixtures.ExportAndCompare(model, Images, recipe);

        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void EveryRegisteredArchitectureIsCovered()
    {
        Assert.Equal(ModelRegistry.Names.Except(CoveredByReducedVariant).Order(), Models.Select(row => (string)row[0]).Order());
    }

    private static ModelOptions Options(int size) => new(NumClasses: 4, ImageSize: size, PatchSize: 8);
}
