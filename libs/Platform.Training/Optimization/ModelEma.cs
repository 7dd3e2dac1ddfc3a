using Platform.Training.Configuration;
using Platform.Training.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Platform.Training.Optimization;

/// <summary>
/// An exponential moving average of a model's weights (Polyak &amp; Juditsky 1992; timm's <c>ModelEma</c>) kept in a
/// second model of the same architecture, always in eval mode. After each optimizer step, <see cref="Update"/> sets
/// every floating-point parameter and buffer to d·ema + (1 − d)·w, with d = min(decay, (1 + t)/(10 + t)) at update t
/// when warm-up is on; integer buffers (batch-norm step counts) are copied.
/// </summary>
public sealed class ModelEma : IDisposable
{
    private readonly (Tensor Average, Tensor Source, bool Floating)[] pairs;

    /// <param name="source">The model being trained.</param>
    /// <param name="average">A model of the same architecture that will hold the average (it starts as a copy of the source).</param>
    /// <param name="options">Decay and warm-up.</param>
    public ModelEma(ImageClassifier source, ImageClassifier average, EmaOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(average);
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        Model = average;
        var sourceState = source.state_dict();
        var averageState = average.state_dict();
        if (!sourceState.Keys.Order(StringComparer.Ordinal).SequenceEqual(averageState.Keys.Order(StringComparer.Ordinal)))
        {
            throw new ArgumentException("The average must have the source model's architecture.", nameof(average));
        }

        pairs = sourceState.Select(kv => (averageState[kv.Key], kv.Value, kv.Value.is_floating_point())).ToArray();
        CopyFromSource();
        average.eval();
        foreach (var parameter in average.parameters())
        {
            parameter.requires_grad = false;
        }
    }

    public EmaOptions Options { get; }

    /// <summary>The averaged model (eval mode, no gradients).</summary>
    public ImageClassifier Model { get; }

    /// <summary>Updates applied so far (t).</summary>
    public long Updates { get; private set; }

    /// <summary>The decay the next update uses.</summary>
    public double NextDecay => Options.Warmup ? Math.Min(Options.Decay, (1.0 + Updates) / (10.0 + Updates)) : Options.Decay;

    public void Update()
    {
        double decay = NextDecay;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // Scalars held for the whole loop: implicit temporaries can be finalized during the native call (see ResidualSum).
        using var keep = decay.ToScalar();
        using var take = (1 - decay).ToScalar();
        foreach (var (average, source, floating) in pairs)
        {
            if (floating)
            {
                average.mul_(keep).add_(source.detach().to_type(average.dtype), take);
            }
            else
            {
                average.copy_(source);
            }
        }

        Updates++;
    }

    /// <summary>Sets the update count after the average was loaded from a checkpoint.</summary>
    public void Restore(long updates) => Updates = updates >= 0 ? updates : throw new ArgumentOutOfRangeException(nameof(updates));

    private void CopyFromSource()
    {
        using var noGrad = no_grad();
        foreach (var (average, source, _) in pairs)
        {
            average.copy_(source);
        }
    }

    public void Dispose() => Model.Dispose();
}
