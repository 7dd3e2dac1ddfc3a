using Platform.Training.Configuration;
using Platform.Training.Configuration.Architectures;
using Platform.Training.FineTuning;
using Platform.Training.Losses;
using Platform.Training.Models;
using Platform.Training.Optimization;
using Platform.Training.Precision;
using Conv2d = TorchSharp.Modules.Conv2d;
using Linear = TorchSharp.Modules.Linear;
using BatchNorm2d = TorchSharp.Modules.BatchNorm2d;
using LayerNorm = TorchSharp.Modules.LayerNorm;
using Softmax = TorchSharp.Modules.Softmax;
using static TorchSharp.torch;

namespace Platform.Training.Tests;

/// <summary>Mixed precision follows autocast's policy: an instrumented training step records what type each operation ran in.</summary>
public sealed class MixedPrecisionPolicyTests
{
    private static ImageClassifier Build(string model, long seed)
    {
        random.manual_seed(seed);
        return model switch
        {
            "tiny" => TestModels.Tiny(channels: 3, seed: seed),
            "vit_micro" => new ImageClassifier("vit_micro", new VisionTransformerBackbone(3, 8, 4, 32, 2, 2), 32, 3, dropout: 0),
            _ => ModelRegistry.Create(model, new ModelOptions(NumClasses: 3, ImageSize: Side(model))),
        };
    }

    /// <summary>8 px for the hand-built models, 32 px for registry models (their stems downsample by 4 to 32).</summary>
    private static int Side(string model) => model is "tiny" or "vit_micro" ? 8 : 32;

    private static bool IsLowPrecisionOp(nn.Module module) => module is Conv2d or Linear;

    private static bool IsFp32Op(nn.Module module) => module is BatchNorm2d or LayerNorm or ChannelsFirstLayerNorm or Softmax;

    [Theory]
    [InlineData("tiny", NumericPrecision.Fp16)]
    [InlineData("vit_micro", NumericPrecision.Fp16)]
    [InlineData("vit_micro", NumericPrecision.Bf16)]
    [InlineData("swin_atto", NumericPrecision.Bf16)]
    [InlineData("convnext_atto", NumericPrecision.Fp16)]
    [InlineData("mobilenet_v3_small", NumericPrecision.Bf16)]
    public void ConvolutionsAndMatrixProductsRunInLowPrecisionAndNormsSoftmaxAndLossInFp32(string architecture, NumericPrecision precision)
    {
        using var scope = NewDisposeScope();
        using var master = Build(architecture, seed: 3);
        using var optimizer = ParameterGroupOptimizer.Create(new OptimizerOptions(), 0.01, 0, new FineTuneStrategy(new FineTuneOptions()).ParameterGroups(master));
        var scaler = precision == NumericPrecision.Fp16 ? new DynamicLossScaler(initialScale: 256) : null;
        using var stepper = new TrainingStepper(master, precision, () => Build(architecture, seed: 11), scaler);
        var lowPrecision = stepper.ComputeType;
        var ran = new List<(nn.Module Module, ScalarType Output)>();
        foreach (var (_, module) in stepper.ComputeModel.named_modules())
        {
            if (module is nn.Module<Tensor, Tensor> op && (IsLowPrecisionOp(module) || IsFp32Op(module)))
            {
                op.register_forward_hook((m, _, output) =>
                {
                    ran.Add((m, output.dtype));
                    return output;
                });
            }
        }

        var before = TestModels.Flatten(master);
        stepper.ComputeModel.train();
        using var loss = new CrossEntropyLoss();
        var (images, labels) = TestModels.SeparableBatch(count: 6, side: Side(architecture));
        var outcome = stepper.Step(images.expand(-1, 3, -1, -1).contiguous(), labels, loss, optimizer, clipNorm: null);

        Assert.Contains(ran, r => r.Module is Conv2d);
        Assert.Contains(ran, r => r.Module is Linear);
        Assert.Contains(ran, r => IsFp32Op(r.Module));
        Assert.All(ran.Where(r => IsLowPrecisionOp(r.Module)), r => Assert.Equal(lowPrecision, r.Output));
        Assert.All(ran.Where(r => IsFp32Op(r.Module)), r => Assert.Equal(ScalarType.Float32, r.Output));
        // The loss and the logits it is computed on are fp32.
        Assert.Equal(ScalarType.Float32, outcome.Logits.dtype);
        Assert.Equal(ScalarType.Float32, outcome.Loss.dtype);
        Assert.True(double.IsFinite(outcome.Loss.item<float>()));
        // Only convolutions and linear layers hold low-precision weights in the compute model; everything else is fp32.
        foreach (var (_, module) in stepper.ComputeModel.named_modules())
        {
            var expected = IsLowPrecisionOp(module) ? lowPrecision : ScalarType.Float32;
            Assert.All(module.parameters(recurse: false), p => Assert.Equal(expected, p.dtype));
            Assert.All(module.buffers(recurse: false).Where(b => b.is_floating_point()), b => Assert.Equal(ScalarType.Float32, b.dtype));
        }

        // The master stays fp32, receives fp32 gradients, and took the step.
        Assert.False(outcome.Skipped);
        Assert.All(master.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.All(master.parameters().Where(p => p.grad is not null), p => Assert.Equal(ScalarType.Float32, p.grad!.dtype));
        Assert.Contains(master.parameters(), p => p.grad is not null);
        Assert.NotEqual(before, TestModels.Flatten(master));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AttentionMatrixProductsRunInLowPrecisionAroundAnFp32Softmax(bool windowed)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(5);
        nn.Module<Tensor, Tensor> attention = windowed ? new WindowAttention(32, 2, 2, mask: null, windowsPerImage: 1) : new MultiHeadSelfAttention(32, 2);
        var children = attention.named_children().ToDictionary(c => c.name, c => (nn.Module<Tensor, Tensor>)c.module);
        var seen = new Dictionary<string, ScalarType>();
        // Hooks registered before the policy's see the operands as the products left them, before any cast.
        children["softmax"].register_forward_pre_hook((_, input) =>
        {
            seen["softmax input"] = input.dtype;
            return input;
        });
        children["softmax"].register_forward_hook((_, _, output) =>
        {
            seen["softmax output"] = output.dtype;
            return output;
        });
        children["proj"].register_forward_pre_hook((_, input) =>
        {
            seen["a·v"] = input.dtype;
            return input;
        });
        MixedPrecisionPolicy.Apply(attention, ScalarType.Float16);

        var output = attention.call(randn(2, 4, 32));

        // Multi-head attention's scores are q·kᵀ itself (fp16); Swin adds the fp32 position bias first, which promotes.
        Assert.Equal(windowed ? ScalarType.Float32 : ScalarType.Float16, seen["softmax input"]);
        Assert.Equal(ScalarType.Float32, seen["softmax output"]);
        Assert.Equal(ScalarType.Float16, seen["a·v"]);
        Assert.Equal(ScalarType.Float16, output.dtype);
        Assert.True(output.isfinite().all().item<bool>());
    }

    [Fact]
    public void TheGradientUnderThePolicyMatchesFp32WithinHalfPrecision()
    {
        using var scope = NewDisposeScope();
        using var loss = new CrossEntropyLoss();
        var (images, labels) = TestModels.SeparableBatch(count: 6);
        Tensor Gradient(NumericPrecision precision)
        {
            using var master = Build("vit_micro", seed: 3);
            using var optimizer = ParameterGroupOptimizer.Create(new OptimizerOptions(), 0, 0, new FineTuneStrategy(new FineTuneOptions()).ParameterGroups(master));
            using var stepper = new TrainingStepper(master, precision, () => Build("vit_micro", seed: 11), precision == NumericPrecision.Fp16 ? new DynamicLossScaler(initialScale: 1024) : null);
            stepper.ComputeModel.train();
            stepper.Step(images.expand(-1, 3, -1, -1).contiguous(), labels, loss, optimizer, clipNorm: null);
            return cat(master.parameters().Select(p => p.grad!.flatten()).ToArray()).MoveToOuterDisposeScope();
        }

        var reference = Gradient(NumericPrecision.Fp32);
        var mixed = Gradient(NumericPrecision.Fp16);

        // Unscaled fp32 master gradients: the same direction as fp32's, to about fp16's resolution.
        double cosine = (reference * mixed).sum().item<float>() / (reference.norm().item<float>() * mixed.norm().item<float>());
        Assert.True(cosine > 0.999, $"cosine {cosine}");
        Assert.True((reference - mixed).norm().item<float>() < 0.02 * reference.norm().item<float>());
    }
}
