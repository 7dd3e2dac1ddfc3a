using Platform.Training.Configuration;
using Platform.Training.Losses;
using Platform.Training.Models;
using Platform.Training.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Platform.Training.Precision;

/// <summary>
/// Forward, backward and optimizer step in fp32, or in mixed precision with fp16 or bf16, on one device or
/// data-parallel on several. TorchSharp has no autocast or GradScaler, so mixed precision keeps fp32 master weights
/// (the model the optimizer updates, evaluates and checkpoints) and a twin that runs forward and backward under
/// <see cref="MixedPrecisionPolicy"/> (convolutions and matrix products in fp16/bf16; norms, softmax and the loss in
/// fp32): its Conv2d and Linear hold low-precision copies of the master weights, refreshed after every step, because
/// TorchSharp's sealed Conv2d and Linear read their own parameters. After every backward the twin's gradients are
/// converted to fp32 and summed into the master gradients (so accumulation over micro-batches is in fp32, as under
/// autocast); after the last micro-batch they are unscaled, checked for inf/NaN (skip the step and lower the loss
/// scale), clipped, and applied by the optimizer. With fp32 the master model runs directly.
/// <para>
/// Data parallel (several devices, TorchSharp having no <c>torch.distributed</c>): one replica per device (the master
/// itself on the first in fp32, a twin under the policy on each in mixed precision), each fed a disjoint slice of every batch and run on
/// a thread of its own at the same time. Replica i's loss is weighted by its share of the batch, so the gradients
/// summed into the master are the gradient of the whole batch's mean loss, exactly what one device would compute;
/// an overflow on any replica makes that sum non-finite, so the step is skipped on all. After every step the
/// master's weights are copied into every replica, so replicas never diverge. Batch norm uses each replica's own
/// batch statistics (as DDP does); <see cref="ReduceBuffers"/> averages the running statistics across replicas
/// (timm's <c>distribute_bn</c>) and the engine calls it before every evaluation, checkpoint and export.
/// </para>
/// </summary>
public sealed class TrainingStepper : IDisposable
{
    private readonly ImageClassifier master;
    private readonly Replica[] replicas;
    private readonly Parameter[] masterParameters;
    private readonly Tensor[] masterBuffers;
    private readonly ReplicaThreads threads;
    private readonly long[] replicaSamples;

    /// <summary>A model that runs forward and backward on one device, with its parameters and buffers in the master's order.</summary>
    private sealed record Replica(ImageClassifier Model, Device Device, Parameter[] Parameters, Tensor[] Buffers, bool IsMaster);

    /// <param name="master">The fp32 model the optimizer owns, on the first of <paramref name="devices"/>.</param>
    /// <param name="precision">Compute precision.</param>
    /// <param name="createTwin">Builds a second model of the same architecture (needed unless fp32 on one device).</param>
    /// <param name="scaler">Loss scaler; null trains without loss scaling.</param>
    /// <param name="devices">One replica per entry (the same device may repeat: several CPU replicas); null = the master's device.</param>
    public TrainingStepper(ImageClassifier master, NumericPrecision precision, Func<ImageClassifier>? createTwin = null, DynamicLossScaler? scaler = null,
        IReadOnlyList<Device>? devices = null)
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
        var masterDevice = masterParameters.Length > 0 ? masterParameters[0].device : CPU;
        devices = devices is { Count: > 0 } ? devices : [masterDevice];
        replicas = new Replica[devices.Count];
        try
        {
            for (int i = 0; i < devices.Count; i++)
            {
                if (i == 0 && ComputeType == ScalarType.Float32)
                {
                    replicas[0] = new Replica(master, devices[0], masterParameters, masterBuffers, IsMaster: true);
                    continue;
                }

                ArgumentNullException.ThrowIfNull(createTwin);
                var model = createTwin();
                model.to(devices[i]);
                MixedPrecisionPolicy.Apply(model, ComputeType);

                replicas[i] = new Replica(model, devices[i], model.parameters().ToArray(), model.buffers().ToArray(), IsMaster: false);
                if (replicas[i].Parameters.Length != masterParameters.Length || replicas[i].Buffers.Length != masterBuffers.Length)
                {
                    throw new ArgumentException("Every replica must have the master's architecture.", nameof(createTwin));
                }
            }
        }
        catch
        {
            foreach (var replica in replicas)
            {
                if (replica is { IsMaster: false })
                {
                    replica.Model.Dispose();
                }
            }

            throw;
        }

        threads = new ReplicaThreads(replicas.Length);
        replicaSamples = new long[replicas.Length];
        SynchroniseFromMaster();
    }

    public ScalarType ComputeType { get; }

    /// <summary>
    /// Keep each step's gradient norms on the device (<see cref="StepOutcome.DeviceGradientNorms"/>) and clip there, so a
    /// step needs no device-to-host copy. Only without loss scaling: skipping an overflowed step is a decision the host
    /// must make from the norm, as PyTorch's GradScaler makes it.
    /// </summary>
    public bool KeepNormsOnDevice { get; init; }

    public DynamicLossScaler? Scaler { get; }

    /// <summary>The first replica's model, which runs forward and backward (the master itself in fp32).</summary>
    public ImageClassifier ComputeModel => replicas[0].Model;

    /// <summary>Every replica's model, one per device, in device order.</summary>
    public IReadOnlyList<ImageClassifier> ComputeModels => [.. replicas.Select(r => r.Model)];

    /// <summary>The device of each replica.</summary>
    public IReadOnlyList<Device> Devices => [.. replicas.Select(r => r.Device)];

    /// <summary>Training samples each replica has processed since the last <see cref="TakeReplicaSamples"/>.</summary>
    public long[] TakeReplicaSamples()
    {
        var taken = (long[])replicaSamples.Clone();
        Array.Clear(replicaSamples);
        return taken;
    }

    /// <summary>Makes every replica match the master after the master changed outside a step (load, freeze).</summary>
    public void SynchroniseFromMaster()
    {
        foreach (var replica in replicas)
        {
            if (!replica.IsMaster)
            {
                CopyBuffers(masterBuffers, replica.Buffers);
            }
        }

        CopyWeights();
    }

    /// <summary>
    /// Puts the replicas' batch-norm running statistics into the master: on one device a copy from the mixed-precision
    /// twin (done after every step anyway); on several the mean over replicas, written back to every replica so they
    /// stay identical (timm's <c>distribute_bn</c> with reduce). Running means and variances follow a linear update, so
    /// averaging now or after every step gives the same values. Integer buffers (step counts) agree on every replica.
    /// </summary>
    public void ReduceBuffers()
    {
        if (replicas.Length == 1)
        {
            if (!replicas[0].IsMaster)
            {
                CopyBuffers(replicas[0].Buffers, masterBuffers);
            }

            return;
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = replicas[0].Device;
        for (int b = 0; b < masterBuffers.Length; b++)
        {
            if (!masterBuffers[b].is_floating_point())
            {
                if (!replicas[0].IsMaster)
                {
                    masterBuffers[b].copy_(replicas[0].Buffers[b]);
                }

                continue;
            }

            var sum = replicas[0].Buffers[b].to(device).to_type(ScalarType.Float32, copy: true);
            for (int i = 1; i < replicas.Length; i++)
            {
                sum.add_(replicas[i].Buffers[b].to(device).to_type(ScalarType.Float32));
            }

            using var count = ((double)replicas.Length).ToScalar();
            masterBuffers[b].copy_(sum.div_(count));
            foreach (var replica in replicas)
            {
                if (!replica.IsMaster)
                {
                    replica.Buffers[b].copy_(masterBuffers[b]);
                }
            }
        }
    }

    /// <summary>One training step; the caller sets train/eval modes and the learning rate beforehand.</summary>
    public StepOutcome Step(Tensor images, Tensor targets, ClassificationLoss loss, ParameterGroupOptimizer optimizer, double? clipNorm) =>
        Accumulate(images, targets, loss, optimizer, clipNorm, microBatch: 0, microBatches: 1);

    /// <summary>
    /// Micro-batch <paramref name="microBatch"/> (0-based) of an optimizer step made of <paramref name="microBatches"/>
    /// equal micro-batches: gradients are zeroed at the first, each micro-batch's loss is divided by their number and
    /// its gradients added, and the step (unscale, overflow check, clipping, optimizer) happens after the last, so the
    /// update is the one a single batch of all their samples would give (exactly so for models without batch norm).
    /// With several replicas the batch is split into contiguous slices, sizes differing by at most one.
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
            foreach (var replica in replicas.Where(r => !r.IsMaster))
            {
                foreach (var parameter in replica.Parameters)
                {
                    parameter.grad = null;
                }
            }
        }

        double scale = Scaler?.Scale ?? 1.0;
        var (lossValue, logits) = replicas.Length == 1
            ? ForwardBackward(replicas[0], images, targets, loss, scale / microBatches)
            : ForwardBackwardOnReplicas(images, targets, loss, scale, microBatches);
        GatherGradients();
        if (!last)
        {
            return new StepOutcome(lossValue, logits, double.NaN, Skipped: false, Applied: false);
        }

        Unscale(scale);
        if (KeepNormsOnDevice && Scaler is null)
        {
            var deviceNorms = DeviceGradientNorms();
            if (clipNorm is { } limit)
            {
                ClipGradientsOnDevice(deviceNorms[^1], limit);
            }

            var measured = measureUpdate ? StepMeasured(optimizer) : null;
            if (!measureUpdate)
            {
                optimizer.Step();
            }

            CopyWeights();
            if (replicas.Length == 1)
            {
                ReduceBuffers();
            }

            return new StepOutcome(lossValue, logits, double.NaN, Skipped: false) { DeviceGradientNorms = deviceNorms, Update = measured };
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

            CopyWeights();
        }

        if (replicas.Length == 1)
        {
            ReduceBuffers();
        }

        return new StepOutcome(lossValue, logits, norm, !takeStep) { ParameterGradientNorms = gradientNorms, Update = update };
    }

    /// <summary>The master parameters, in the order of every per-parameter array this stepper returns.</summary>
    public IReadOnlyList<Parameter> Parameters => masterParameters;

    /// <summary>Parameter <paramref name="index"/> (master order) of replica <paramref name="replica"/>: for tests that replicas agree.</summary>
    public Tensor ReplicaParameter(int replica, int index) => replicas[replica].Parameters[index];

    /// <summary>Forward and backward of one replica in the caller's dispose scope; returns the detached loss and logits.</summary>
    private (Tensor Loss, Tensor Logits) ForwardBackward(Replica replica, Tensor images, Tensor targets, ClassificationLoss loss, double factor)
    {
        // The images go in as they are (fp32): the policy casts at each convolution, as autocast does.
        var logits = MixedPrecisionPolicy.ForLoss(replica.Model.call(images.to(replica.Device)));
        var lossValue = loss.Compute(logits, targets.to(replica.Device));
        if (factor == 1.0)
        {
            lossValue.backward();
        }
        else
        {
            using var weight = factor.ToScalar();
            lossValue.mul(weight).backward();
        }

        Interlocked.Add(ref replicaSamples[Array.IndexOf(replicas, replica)], images.shape[0]);
        return (lossValue.detach(), logits.detach());
    }

    /// <summary>
    /// Every replica's forward and backward at once on its slice, loss weighted by its share of the batch; returns the
    /// batch's loss (the share-weighted mean) and its logits in batch order, on the first replica's device.
    /// </summary>
    private (Tensor Loss, Tensor Logits) ForwardBackwardOnReplicas(Tensor images, Tensor targets, ClassificationLoss loss, double scale, int microBatches)
    {
        long count = images.shape[0];
        int used = (int)Math.Min(count, replicas.Length);
        var imageSlices = new Tensor[used];
        var targetSlices = new Tensor[used];
        var shares = new double[used];
        long start = 0;
        for (int i = 0; i < used; i++)
        {
            long size = count / used + (i < count % used ? 1 : 0);
            imageSlices[i] = images.narrow(0, start, size);
            targetSlices[i] = targets.narrow(0, start, size);
            shares[i] = (double)size / count;
            start += size;
        }

        var results = new (Tensor Loss, Tensor Logits)[used];
        threads.Run(i =>
        {
            if (i >= used)
            {
                return;
            }

            // Dispose scopes are per thread: this replica's graph lives in its own and only the detached results leave it.
            using var scope = NewDisposeScope();
            var (replicaLoss, replicaLogits) = ForwardBackward(replicas[i], imageSlices[i], targetSlices[i], loss, scale * shares[i] / microBatches);
            results[i] = (replicaLoss.DetachFromDisposeScope(), replicaLogits.DetachFromDisposeScope());
        });

        try
        {
            var device = replicas[0].Device;
            var weighted = new Tensor[used];
            for (int i = 0; i < used; i++)
            {
                using var share = shares[i].ToScalar();
                weighted[i] = results[i].Loss.to(device).mul(share);
            }

            return (stack(weighted).sum(), cat(results.Select(r => r.Logits.to(device)).ToArray(), 0));
        }
        finally
        {
            foreach (var (replicaLoss, replicaLogits) in results)
            {
                replicaLoss?.Dispose();
                replicaLogits?.Dispose();
            }
        }
    }

    /// <summary>
    /// Adds the other replicas' gradients of this backward (already weighted by share and scaled by the loss scale) into
    /// the master's, converted to fp32, and clears them: every accumulation happens in fp32 on the master. In fp32 on one
    /// device the master's own backward accumulated them already.
    /// </summary>
    private void GatherGradients()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var device = replicas[0].Device;
        for (int p = 0; p < masterParameters.Length; p++)
        {
            foreach (var replica in replicas)
            {
                if (replica.IsMaster || replica.Parameters[p].grad is not { } replicaGrad)
                {
                    continue;
                }

                var converted = replicaGrad.to(device).to_type(ScalarType.Float32);
                if (masterParameters[p].grad is { } masterGrad)
                {
                    masterGrad.add_(converted);
                }
                else
                {
                    masterParameters[p].grad = converted.clone();
                }

                replica.Parameters[p].grad = null;
            }
        }
    }

    /// <summary>The master gradients divided by the loss scale.</summary>
    private void Unscale(double scale)
    {
        if (scale == 1.0)
        {
            return;
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var divisor = scale.ToScalar();
        foreach (var parameter in masterParameters)
        {
            parameter.grad?.div_(divisor);
        }
    }

    /// <summary>The master's weights (and trainability) into every other replica.</summary>
    private void CopyWeights()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var replica in replicas)
        {
            if (replica.IsMaster)
            {
                continue;
            }

            for (int i = 0; i < masterParameters.Length; i++)
            {
                replica.Parameters[i].requires_grad = masterParameters[i].requires_grad;
                replica.Parameters[i].detach().copy_(masterParameters[i]);
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

    /// <summary>Each master gradient's L2 norm (NaN without a gradient) and then the global norm, as one float32 tensor on the first device.</summary>
    private Tensor DeviceGradientNorms()
    {
        using var noGrad = no_grad();
        var device = replicas[0].Device;
        var norms = new Tensor[masterParameters.Length + 1];
        var present = new List<Tensor>(masterParameters.Length);
        for (int i = 0; i < masterParameters.Length; i++)
        {
            if (masterParameters[i].grad is { } grad)
            {
                norms[i] = grad.norm().to_type(ScalarType.Float32);
                present.Add(norms[i]);
            }
            else
            {
                norms[i] = full(Array.Empty<long>(), float.NaN, dtype: ScalarType.Float32, device: device);
            }
        }

        norms[^1] = present.Count == 0 ? zeros(Array.Empty<long>(), dtype: ScalarType.Float32, device: device) : stack(present).square().sum().sqrt();
        return stack(norms);
    }

    // clip_grad_norm_ on the device: the same coefficient min(1, max_norm / (norm + 1e-6)) without reading the norm.
    private void ClipGradientsOnDevice(Tensor norm, double maxNorm)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var limit = maxNorm.ToScalar();
        using var epsilon = 1e-6.ToScalar();
        using var one = 1.0.ToScalar();
        var coefficient = norm.add(epsilon).reciprocal_().mul_(limit).clamp_max_(one);
        foreach (var parameter in masterParameters)
        {
            parameter.grad?.mul_(coefficient);
        }
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

    public void Dispose()
    {
        threads.Dispose();
        foreach (var replica in replicas)
        {
            if (!replica.IsMaster)
            {
                replica.Model.Dispose();
            }
        }
    }
}
