using Platform.Export.Onnx;
using Platform.Export.Parity;
using Platform.Training.Configuration.Architectures;
using Platform.Training.Models;

namespace Platform.Export.Tests;

/// <summary>Swin's shifted windows and ConvNeXt's channels-last blocks in ONNX, at batch 1 and 7 on real images.</summary>
public sealed class WindowedArchitectureExportTests
{
    private static readonly Platform.Imaging.Data.SubsetSource Images = Art4Apps.Take(2, "animals", "food", "transport", "fruit_n_veg");

    [Theory]
    [InlineData("swin_atto")]
    [InlineData("convnext_atto")]
    public void ExportMatchesAtBatchOneAndSeven(string architecture)
    {
        // RegistryParityTests covers the briefly trained models at batch 7; this is about the dynamic batch axis.
        using var model = ModelRegistry.Create(architecture, new ModelOptions(NumClasses: 4, ImageSize: 32));
        var recipe = ExportFixtures.Recipe(32);
        using var session = ExportFixtures.CpuSessions.Create(OnnxExporter.ExportToBytes(model, ExportFixtures.Metadata(model, recipe)));

        var single = ParityGate.Compare(model, session, Images, recipe, maxImages: 7, batchSize: 1);
        var seven = ParityGate.Compare(model, session, Images, recipe, maxImages: 7, batchSize: 7);

        Assert.True(single.Passed, single.ToString());
        Assert.True(seven.Passed, seven.ToString());
        Assert.Equal(7, single.ImagesCompared);
    }

    [Fact]
    public void SwinShiftIsSliceAndConcatAndWindowsAreReshapeAndTranspose()
    {
        using var model = ModelRegistry.Create("swin_atto", new ModelOptions(NumClasses: 4, ImageSize: 32));
        var shiftedBlocks = model.modules().OfType<SwinTransformerBlock>().Count(block => block.Shift > 0);

        var graph = OnnxExporter.Export(model, ExportFixtures.Metadata(model, ExportFixtures.Recipe(32))).Graph;

        var operators = graph.Node.GroupBy(node => node.OpType).ToDictionary(group => group.Key, group => group.Count());
        Assert.Equal(2, shiftedBlocks);
        // Per shifted block: a roll and its inverse, each one Concat of two Slices per spatial axis.
        Assert.Equal(shiftedBlocks * 2 * 2, operators["Concat"]);
        Assert.Equal(shiftedBlocks * 2 * 2 * 2, operators["Slice"]);
        Assert.Empty(operators.Keys.Except(["Conv", "Transpose", "LayerNormalization", "Slice", "Concat", "Reshape", "Gather", "MatMul", "Add", "Mul",
            "Softmax", "Erf", "Div", "ReduceMean", "Gemm", "Identity"]));
    }
}
