namespace Platform.Training.Configuration;

public enum FineTuneMode
{
    /// <summary>Every parameter trains at the configured learning rate.</summary>
    Full,

    /// <summary>The backbone is frozen (no gradients, batch norm in eval mode); only the head trains.</summary>
    FeatureExtraction,

    /// <summary>The head trains alone for <see cref="FineTuneOptions.HeadEpochs"/>, then everything trains with the
    /// backbone at lr × <see cref="FineTuneOptions.BackboneLrFactor"/>.</summary>
    Staged,
}
