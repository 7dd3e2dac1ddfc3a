namespace Platform.Training.Configuration.Architectures;

/// <summary>What a training configuration needs to know about an architecture before building it.</summary>
/// <param name="Name">Registry name, e.g. <c>resnet18</c>.</param>
/// <param name="Family">resnet, vgg, mobilenet, vit or cnn.</param>
/// <param name="DefaultImageSize">The input side the architecture is designed for.</param>
/// <param name="MinimumImageSize">Smallest input side that still leaves at least one spatial position (or patch)
/// after every downsampling step.</param>
/// <param name="SupportsSingleChannel">Whether <see cref="ModelOptions.InputChannels"/> = 1 is accepted.</param>
/// <param name="RequiresExactImageSize">True when the model is built for exactly <see cref="ModelOptions.ImageSize"/>
/// (position embeddings, flatten sizes); false when global pooling accepts any size at or above the minimum.</param>
/// <param name="Description">One line for listings.</param>
public sealed record ArchitectureInfo(
    string Name,
    string Family,
    int DefaultImageSize,
    int MinimumImageSize,
    bool SupportsSingleChannel,
    bool RequiresExactImageSize,
    string Description)
{
    /// <summary>Where this architecture's pretrained backbone weights come from; null when it has none.</summary>
    public string? PretrainedWeights { get; init; }

    /// <summary>Per-channel input mean and standard deviation the model is built for (its first layer inverts them);
    /// null when any normalisation works.</summary>
    public InputNormalization? RequiredNormalization { get; init; }
}
