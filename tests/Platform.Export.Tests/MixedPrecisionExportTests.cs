using System.Runtime.InteropServices;
using Onnx;
using Platform.Export.Onnx;
using Platform.Export.Parity;
using Platform.Imaging.Transforms;
using Platform.Training.Configuration;
using Platform.Training.Configuration.Architectures;
using Platform.Training.FineTuning;
using Platform.Training.Losses;
using Platform.Training.Models;
using Platform.Training.Optimization;
using Platform.Training.Precision;
using static TorchSharp.torch;

namespace Platform.Export.Tests;

/// <summary>A model trained in mixed precision exports its fp32 master weights, not their fp16 copies.</summary>
public sealed class MixedPrecisionExportTests
{
    private static readonly Platform.Imaging.Data.SubsetSource Images = Art4Apps.Take(2, "animals", "food", "transport", "fruit_n_veg");

    [Theory]
    [InlineData("vit_tiny", NumericPrecision.Fp16)]
    [InlineData("convnext_atto", NumericPrecision.Bf16)]
    public void TheExportCarriesFp32MasterWeightsAndPassesTheGate(string architecture, NumericPrecision precision)
    {
        var options = new ModelOptions(NumClasses: 4, ImageSize: 32, PatchSize: 8);
        using var model = ModelRegistry.Create(architecture, options);
        var recipe = ExportFixtures.Recipe(32);
        using (var optimizer = ParameterGroupOptimizer.Create(new OptimizerOptions(), 1e-3, 0, new FineTuneStrategy(new FineTuneOptions()).ParameterGroups(model)))
        using (var stepper = new TrainingStepper(model, precision, () => ModelRegistry.Create(architecture, options),
            precision == NumericPrecision.Fp16 ? new DynamicLossScaler(initialScale: 1024) : null))
        using (var loss = new CrossEntropyLoss())
        {
            stepper.ComputeModel.train();
            foreach (var (pixels, shape) in ParityGate.Batches(Images, new TransformPipeline(recipe), 8, 4))
            {
                using var scope = NewDisposeScope();
                var outcome = stepper.Step(tensor(pixels, shape), arange(shape[0], dtype: ScalarType.Int64) % 4, loss, optimizer, clipNorm: null);
                Assert.False(outcome.Skipped);
            }
        }

        model.eval();
        var proto = OnnxExporter.Export(model, ExportFixtures.Metadata(model, recipe));
        using var session = ExportFixtures.CpuSessions.Create(OnnxExporter.ExportToBytes(model, ExportFixtures.Metadata(model, recipe)));
        var report = ParityGate.Compare(model, session, Images, recipe, maxImages: 7, batchSize: 7);

        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        using var weights = tensor(proto.Graph.Initializer.Where(i => i.DataType == (int)TensorProto.Types.DataType.Float)
            .SelectMany(i => MemoryMarshal.Cast<byte, float>(i.RawData.Span).ToArray()).ToArray());
        using var rounded = weights.to_type(precision == NumericPrecision.Fp16 ? ScalarType.Float16 : ScalarType.BFloat16).to_type(ScalarType.Float32);
        // fp16 and bf16 keep 11 and 8 significant bits: trained fp32 masters almost never land on such a value, their copies always do.
        using var onGrid = weights.eq(rounded).logical_and(weights.ne(0));
        long onLowPrecisionGrid = onGrid.sum().item<long>();
        Assert.True(onLowPrecisionGrid < weights.numel() / 100, $"{onLowPrecisionGrid} of {weights.numel()} weights are representable in {precision}");
        Assert.True(report.Passed, report.ToString());
    }
}
