using Onnx;
using Platform.Export.Onnx;
using Platform.Export.Parity;
using Platform.Training.Models;
using static TorchSharp.torch;
using Platform.Training.Configuration.Architectures;
using Platform.OnnxRuntime;

namespace Platform.Export.Tests;

/// <summary>What every exported model promises besides matching logits: names, opset, dynamic batch, metadata, errors.</summary>
public sealed class ExporterContractTests
{
    private static readonly Platform.Imaging.Data.SubsetSource Images = Art4Apps.Take(2, "animals", "food", "transport", "fruit_n_veg");

    [Fact]
    public void GraphHasNamedInputAndOutputWithDynamicBatchAxisAndOpset17()
    {
        using var model = ModelRegistry.Create("resnet18_small", new ModelOptions(NumClasses: 4, ImageSize: 32));

        var proto = OnnxExporter.Export(model, ExportFixtures.Metadata(model, ExportFixtures.Recipe(32)));

        Assert.Equal(17, Assert.Single(proto.OpsetImport).Version);
        var input = Assert.Single(proto.Graph.Input);
        var output = Assert.Single(proto.Graph.Output);
        Assert.Equal("input", input.Name);
        Assert.Equal("logits", output.Name);
        Assert.Equal(["batch", "3", "32", "32"], input.Type.TensorType.Shape.Dim.Select(DimText));
        Assert.Equal(["batch", "4"], output.Type.TensorType.Shape.Dim.Select(DimText));
    }

    [Fact]
    public void MetadataCarriesLabelsInputSizeAndNormalisation()
    {
        using var model = ModelRegistry.Create("small_cnn", new ModelOptions(NumClasses: 3, ImageSize: 28));
        var recipe = new Platform.Imaging.Formats.Recipes.TransformRecipe(28, 3, [0.5f, 0.4f, 0.3f], [0.2f, 0.25f, 0.3f]);
        var metadata = new OnnxModelMetadata("small_cnn", ["cat", "dog", "bird"], recipe);

        using var session = ExportFixtures.CpuSessions.Create(OnnxExporter.ExportToBytes(model, metadata));
        var read = OnnxModelMetadata.FromProperties(session.MetadataProperties);

        Assert.Equal(["cat", "dog", "bird"], read.Labels);
        Assert.Equal(28, read.InputSize);
        Assert.Equal(3, read.InputChannels);
        Assert.Equal([0.5f, 0.4f, 0.3f], read.Preprocessing.Mean);
        Assert.Equal([0.2f, 0.25f, 0.3f], read.Preprocessing.Std);
        Assert.True(recipe.SameAs(read.Preprocessing));
        Assert.Equal("[0.5,0.4,0.3]", session.MetadataProperties[OnnxModelMetadata.MeanKey]);
        Assert.Equal("28", session.MetadataProperties[OnnxModelMetadata.InputSizeKey]);
    }

    [Fact]
    public void UnsupportedModuleFailsNamingItsPathAndType()
    {
        var backbone = nn.Sequential(
            ("conv", nn.Conv2d(3, 8, 3, padding: 1)),
            ("squash", nn.Tanh()),
            ("pool", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()));
        using var model = new ImageClassifier("custom", backbone, 8, 2, 0.0);

        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.Export(model, ExportFixtures.Metadata(model, ExportFixtures.Recipe(16))));

        Assert.Contains("'backbone.squash'", error.Message);
        Assert.Contains("TorchSharp.Modules.Tanh", error.Message);
    }

    [Fact]
    public void ASoftmaxLayerExportsAsOnnxSoftmaxOverTheSameAxis()
    {
        var backbone = nn.Sequential(
            ("conv", nn.Conv2d(3, 8, 3, padding: 1)),
            ("pool", nn.AdaptiveAvgPool2d(1)),
            ("flatten", nn.Flatten()),
            ("softmax", nn.Softmax(1)));
        using var model = new ImageClassifier("custom", backbone, 8, 2, 0.0);

        var proto = OnnxExporter.Export(model, ExportFixtures.Metadata(model, ExportFixtures.Recipe(16)));
        var report = ExportFixtures.ExportAndCompare(model, Images, ExportFixtures.Recipe(16));

        var softmax = Assert.Single(proto.Graph.Node, n => n.OpType == "Softmax");
        Assert.Equal(1, Assert.Single(softmax.Attribute, a => a.Name == "axis").I);
        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public void GateFailsWhenTheOnnxModelNoLongerMatchesTheTorchModel()
    {
        using var model = ModelRegistry.Create("resnet18_small", new ModelOptions(NumClasses: 4, ImageSize: 32));
        var recipe = ExportFixtures.Recipe(32);
        using var session = ExportFixtures.CpuSessions.Create(OnnxExporter.ExportToBytes(model, ExportFixtures.Metadata(model, recipe)));
        using (no_grad())
        {
            model.Classifier.bias!.add_(1e-3);
        }

        var report = ParityGate.Compare(model, session, Images, recipe, maxImages: 4);

        Assert.False(report.Passed);
        Assert.InRange(report.MaxAbsLogitDifference, 9e-4, 1.1e-3);
        Assert.Throws<ParityGateException>(() => ParityGate.Enforce(model, session, Images, recipe, maxImages: 4));
    }

    [Theory]
    [InlineData("mobilenet_v3_small", 32)]
    [InlineData("vit_tiny", 32)]
    [InlineData("resnet18_imagenet", 64)]
    public void ExportedModelGivesTheSamePerImageOutputsAtBatchOneAndSeven(string architecture, int size)
    {
        using var model = ModelRegistry.Create(architecture, new ModelOptions(NumClasses: 4, ImageSize: size, PatchSize: 8));
        var recipe = ExportFixtures.Recipe(size);
        using var session = ExportFixtures.CpuSessions.Create(OnnxExporter.ExportToBytes(model, ExportFixtures.Metadata(model, recipe)));
        var (pixels, shape) = ParityGate.Batches(Images, new Platform.Imaging.Transforms.TransformPipeline(recipe), 7, 7).Single();
        var perImage = pixels.Length / 7;

        var (batched, batchedShape) = session.Run(pixels, shape);

        Assert.Equal([7L, 4L], batchedShape);
        for (var i = 0; i < 7; i++)
        {
            var (single, singleShape) = session.Run(pixels.AsSpan(i * perImage, perImage).ToArray(), [1, .. shape[1..]]);
            Assert.Equal([1L, 4L], singleShape);
            for (var c = 0; c < 4; c++)
            {
                Assert.Equal(single[c], batched[i * 4 + c], 1e-5f);
            }
        }
    }

    [Fact]
    public void CpuProviderRunsWhenCudaIsNotPreferred()
    {
        using var model = ModelRegistry.Create("small_cnn", new ModelOptions(NumClasses: 2, ImageSize: 28));

        using var session = ExportFixtures.CpuSessions.Create(OnnxExporter.ExportToBytes(model, ExportFixtures.Metadata(model, ExportFixtures.Recipe(28))));

        Assert.Equal(ExecutionProvider.Cpu, session.Provider);
        Assert.Null(session.FallbackReason);
    }

    [Fact]
    public void PreferringCudaEitherRunsOnCudaOrSaysWhyItFellBackToCpu()
    {
        using var model = ModelRegistry.Create("small_cnn", new ModelOptions(NumClasses: 2, ImageSize: 28));

        using var session = new OnnxSessionFactory(new OnnxSessionOptions(PreferCuda: true)).Create(OnnxExporter.ExportToBytes(model, ExportFixtures.Metadata(model, ExportFixtures.Recipe(28))));

        if (session.Provider == ExecutionProvider.Cuda)
        {
            Assert.Null(session.FallbackReason);
        }
        else
        {
            Assert.Contains("CUDA", session.FallbackReason);
        }
    }

    [Fact]
    public void VerifiedExportReturnsTheModelAndTheParityFigures()
    {
        using var model = ModelRegistry.Create("small_cnn", new ModelOptions(NumClasses: 4, ImageSize: 28));
        var metadata = ExportFixtures.Metadata(model, ExportFixtures.Recipe(28));

        var result = VerifiedExport.Run(model, metadata, Images, ExportFixtures.CpuSession, maxImages: 8);

        Assert.True(result.Parity.Passed);
        Assert.Equal(8, result.Parity.ImagesCompared);
        Assert.Equal(1.0, result.Parity.Top1Agreement);
        Assert.Equal("small_cnn", ModelProto.Parser.ParseFrom(result.Model).Graph.Name);
    }

    [Fact]
    public void VerifiedExportWithoutSessionOptionsRunsTheGateOnTheProviderServingChoosesWithItsDefaults()
    {
        using var model = ModelRegistry.Create("small_cnn", new ModelOptions(NumClasses: 4, ImageSize: 28));
        var serving = new OnnxSessionFactory(OnnxSessionOptions.Default);

        var result = VerifiedExport.Run(model, ExportFixtures.Metadata(model, ExportFixtures.Recipe(28)), Images, maxImages: 4);

        Assert.Equal(serving.Provider, result.Parity.Provider);
        Assert.Equal(serving.FallbackReason, result.FallbackReason);
    }

    private static string DimText(TensorShapeProto.Types.Dimension dim) =>
        dim.HasDimParam ? dim.DimParam : dim.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
