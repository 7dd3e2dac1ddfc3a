using Platform.Training.Configuration;
using Platform.Training.Losses;
using Platform.Training.Models;
using Platform.Training.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Precision;

/// <summary>
/// Forward, backward and optimizer step in fp32, fp16 or bf16. TorchSharp has no autocast or GradScaler, so low
/// precision keeps fp32 master weights (the model the optimizer updates, evaluates and checkpoints) and a
/// low-precision twin that runs forward and backward: before each step the masters are cast into the twin, after
/// backward the twin's gradients are unscaled into fp32 master gradients, checked for inf/NaN (skip the step and
/// lower the loss scale), clipped, and applied by the optimizer. Batch-norm statistics the twin updates flow back to
/// the masters. With fp32 the master model runs directly.
/// </summary>
public sealed class TrainingStepper : IDisposable
{
    private readonly ImageClassifier master;
    private readonly ImageClassifier? twin;
    private readonly Parameter[] masterParameters;
    private readonly Parameter[] twinParameters;
    private readonly Tensor[] masterBuffers;
    private readonly Tensor[] twinBuffers;

    /// <param name="master">The fp32 model the optimizer owns.</param>
    /// <param name="precision">Compute precision.</param>
    /// <param name="createTwin">Builds a second model of the same architecture (needed unless fp32).</param>
    /// <param name="scaler">Loss scaler; null trains without loss scaling.</param>
    public TrainingStepper(ImageClassifier master, NumericPrecision precision, Func<ImageClassifier>? createTwin = null, DynamicLossScaler? scaler = null)
    {
        ArgumentNullException.ThrowIfNull(master);
        this.master = master;
        Scaler = scaler;
        ComputeType = precision switch
        {
            NumericPrecision.Fp16 => ScalarType.Float16,
            NumericPrecision.Bf16 => ScalarType.BFloat16,
            _ => ScalarType.Float32,
        };
        masterParameters = master.parameters().ToArray();
        masterBuffers = master.buffers().ToArray();
        if (ComputeType == ScalarType.Float32)
        {
            twinParameters = masterParameters;
            twinBuffers = masterBuffers;
            return;
        }

        ArgumentNullException.ThrowIfNull(createTwin);
        twin = createTwin();
        twin.to(master.parameters().First().device);
        twin.to(ComputeType);
        twinParameters = twin.parameters().ToArray();
        twinBuffers = twin.buffers().ToArray();
        if (twinParameters.Length != masterParameters.Length || twinBuffers.Length != masterBuffers.Length)
        {
            throw new ArgumentException("The low-precision twin must have the master's architecture.", nameof(createTwin));
        }

        CopyBuffers(masterBuffers, twinBuffers);
    }

    public ScalarType ComputeType { get; }

    public DynamicLossScaler? Scaler { get; }

    /// <summary>The model that runs forward and backward (the master itself in fp32).</summary>
    public ImageClassifier ComputeModel => twin ?? master;

    /// <summary>Makes the compute model match the master after the master changed outside a step (load, freeze).</summary>
    public void SynchroniseFromMaster()
    {
        if (twin is null)
        {
            return;
        }

        CopyBuffers(masterBuffers, twinBuffers);
        CopyWeights();
    }

    /// <summary>One training step; the caller sets train/eval modes and the learning rate beforehand.</summary>
    public StepOutcome Step(Tensor images, Tensor targets, ClassificationLoss loss, ParameterGroupOptimizer optimizer, double? clipNorm) =>
        Accumulate(images, targets, loss, optimizer, clipNorm, microBatch: 0, microBatches: 1);

    /// <summary>
    /// Micro-batch <paramref name="microBatch"/> (0-based) of an optimizer step made of <paramref name="microBatches"/>
    /// equal micro-batches: gradients are zeroed at the first, each micro-batch's loss is divided by their number and
    /// its gradients added, and the step (unscale, overflow check, clipping, optimizer) happens after the last, so the
    /// update is the one a single batch of all their samples would give (exactly so for models without batch norm).
    /// </summary>
    /// <param name="measureUpdate">On the last micro-batch: also measure each parameter's update and weight norm around the
    /// optimizer step (<see cref="StepOutcome.Update"/>); it costs one copy of the weights, so the engine asks only at logged steps.</param>
    public StepOutcome Accumulate(Tensor images, Tensor targets, ClassificationLoss loss, ParameterGroupOptimizer optimizer, double? clipNorm,
        int microBatch, int microBatches, bool measureUpdate = false)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(microBatches);
        ArgumentOutOfRangeException.ThrowIfNegative(microBatch);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(microBatch, microBatches);
        bool first = microBatch == 0, last = microBatch == microBatches - 1;
        if (first)
        {
            optimizer.ZeroGrad();
        }

        if (twin is not null && first)
        {
            CopyWeights();
            foreach (var parameter in twinParameters)
            {
                parameter.grad = null;
            }
        }

        var logits = ComputeModel.call(images.to_type(ComputeType));
        var lossValue = loss.Compute(logits, targets);
        double scale = Scaler?.Scale ?? 1.0;
        double factor = scale / microBatches;
        (factor == 1.0 ? lossValue : lossValue * factor).backward();
        if (!last)
        {
            return new StepOutcome(lossValue.detach(), logits.detach(), double.NaN, Skipped: false, Applied: false);
        }

        if (twin is not null)
        {
            UnscaleIntoMasters(scale);
        }
        else if (scale != 1.0)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            foreach (var parameter in masterParameters)
            {
                parameter.grad?.div_(scale);
            }
        }

        var (gradientNorms, norm) = ParameterGradientNorms();
        bool finite = double.IsFinite(norm);
        bool takeStep = Scaler?.Update(finite) ?? true;
        ParameterUpdate? update = null;
        if (takeStep)
        {
            if (clipNorm is { } maxNorm)
            {
                ClipGradients(norm, maxNorm);
            }

            if (measureUpdate)
            {
                update = StepMeasured(optimizer);
            }
            else
            {
                optimizer.Step();
            }
        }

        if (twin is not null)
        {
            CopyBuffers(twinBuffers, masterBuffers);
        }

        return new StepOutcome(lossValue.detach(), logits.detach(), norm, !takeStep) { ParameterGradientNorms = gradientNorms, Update = update };
    }

    /// <summary>The master parameters, in the order of every per-parameter array this stepper returns.</summary>
    public IReadOnlyList<Parameter> Parameters => masterParameters;

    private void CopyWeights()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int i = 0; i < masterParameters.Length; i++)
        {
            twinParameters[i].requires_grad = masterParameters[i].requires_grad;
            twinParameters[i].detach().copy_(masterParameters[i]);
        }
    }

    private void UnscaleIntoMasters(double scale)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int i = 0; i < masterParameters.Length; i++)
        {
            using var twinGrad = twinParameters[i].grad;
            if (twinGrad is null)
            {
                masterParameters[i].grad = null;
                continue;
            }

            using var masterGrad = masterParameters[i].grad;
            if (masterGrad is null)
            {
                using var converted = twinGrad.to_type(ScalarType.Float32).div_(scale);
                masterParameters[i].grad = converted;
            }
            else
            {
                masterGrad.copy_(twinGrad).div_(scale);
            }
        }
    }

    /// <summary>
    /// Each master gradient's L2 norm in one device-to-host copy (NaN where a parameter has no gradient, e.g. frozen), and
    /// the global norm √Σ‖g_i‖² over those that have one (inf or NaN when any is).
    /// </summary>
    private (float[] Norms, double Global) ParameterGradientNorms()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var result = new float[masterParameters.Length];
        var present = new List<int>(masterParameters.Length);
        var norms = new List<Tensor>(masterParameters.Length);
        for (int i = 0; i < masterParameters.Length; i++)
        {
            result[i] = float.NaN;
            if (masterParameters[i].grad is { } grad)
            {
                present.Add(i);
                norms.Add(grad.norm().to_type(ScalarType.Float32));
            }
        }

        double sum = 0;
        if (norms.Count > 0)
        {
            var host = stack(norms).cpu().data<float>().ToArray();
            for (int j = 0; j < present.Count; j++)
            {
                result[present[j]] = host[j];
                sum += (double)host[j] * host[j];
            }
        }

        return (result, Math.Sqrt(sum));
    }

    /// <summary>The optimizer step with ‖Δw‖ and ‖w‖ per parameter (after the step): the update-to-weight ratio's parts.</summary>
    private ParameterUpdate StepMeasured(ParameterGroupOptimizer optimizer)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var before = masterParameters.Select(p => p.requires_grad ? p.detach().clone() : null).ToArray();
        optimizer.Step();
        var updates = new List<Tensor>();
        var weights = new List<Tensor>();
        for (int i = 0; i < masterParameters.Length; i++)
        {
            var current = masterParameters[i].detach();
            updates.Add(before[i] is { } old ? current.sub(old).norm().to_type(ScalarType.Float32) : zeros(1, dtype: ScalarType.Float32).squeeze());
            weights.Add(current.norm().to_type(ScalarType.Float32));
        }

        var host = stack(updates.Concat(weights).ToArray()).cpu().data<float>().ToArray();
        return new ParameterUpdate(host[..masterParameters.Length], host[masterParameters.Length..]);
    }

    // PyTorch's clip_grad_norm_: scale every gradient by max_norm / (norm + 1e-6) when that is below 1.
    private void ClipGradients(double norm, double maxNorm)
    {
        double coefficient = maxNorm / (norm + 1e-6);
        if (coefficient >= 1)
        {
            return;
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var parameter in masterParameters)
        {
            parameter.grad?.mul_(coefficient);
        }
    }

    private static void CopyBuffers(Tensor[] from, Tensor[] to)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (int i = 0; i < from.Length; i++)
        {
            to[i].copy_(from[i]);
        }
    }

    public void Dispose() => twin?.Dispose();
}
