using Platform.Training.Configuration;
using Platform.Training.Models;
using Platform.Training.Optimization;

namespace Platform.Training.FineTuning;

/// <summary>
/// Decides, per epoch, which part of an <see cref="ImageClassifier"/> trains:
/// full: everything at lr; feature extraction: the head alone, and only its parameters reach the optimizer;
/// staged: the head alone for the first HeadEpochs, then the backbone too at lr × BackboneLrFactor.
/// A frozen backbone has requires_grad = false (no gradients, nothing for the optimizer to update, less memory) and
/// stays in eval mode while the rest trains, so its batch-norm running statistics are not overwritten.
/// </summary>
public sealed class FineTuneStrategy
{
    public const string BackboneGroup = "backbone";
    public const string HeadGroup = "head";

    private readonly FineTuneOptions options;

    public FineTuneStrategy(FineTuneOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
    }

    /// <summary>The optimizer's parameter groups for <paramref name="model"/> (taken from the fp32 master copy).</summary>
    public IReadOnlyList<ParameterGroup> ParameterGroups(ImageClassifier model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var head = new ParameterGroup(HeadGroup, model.Head.parameters().ToArray(), 1.0);
        return options.Mode switch
        {
            FineTuneMode.FeatureExtraction => [head],
            FineTuneMode.Staged => [new ParameterGroup(BackboneGroup, model.Backbone.parameters().ToArray(), options.BackboneLrFactor), head],
            _ => [new ParameterGroup(BackboneGroup, model.Backbone.parameters().ToArray(), 1.0), head],
        };
    }

    /// <summary>Whether the backbone is frozen during <paramref name="epoch"/> (0-based).</summary>
    public bool BackboneFrozen(int epoch) => options.Mode switch
    {
        FineTuneMode.FeatureExtraction => true,
        FineTuneMode.Staged => epoch < options.HeadEpochs,
        _ => false,
    };

    /// <summary>Sets requires_grad on the backbone for <paramref name="epoch"/>; returns whether it is frozen.</summary>
    public bool ApplyTo(ImageClassifier model, int epoch)
    {
        ArgumentNullException.ThrowIfNull(model);
        bool frozen = BackboneFrozen(epoch);
        foreach (var parameter in model.Backbone.parameters())
        {
            parameter.requires_grad = !frozen;
        }

        return frozen;
    }

    /// <summary>Puts the model in training mode, except a frozen backbone, which stays in eval mode.</summary>
    public void SetTrainingMode(ImageClassifier model, int epoch)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.train();
        if (BackboneFrozen(epoch))
        {
            model.Backbone.eval();
        }
    }
}
