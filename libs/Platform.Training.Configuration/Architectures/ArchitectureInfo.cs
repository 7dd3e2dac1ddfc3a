namespace Platform.Training.Configuration.Architectures;

/// <summary>What a training configuration needs to know about an architecture before building it.</summary>
/// <param name="Name">Registry name, e.g. <c>resnet18</c>.</param>
/// <param name="Family">resnet, vgg, mobilenet, vit, swin, convnext or cnn.</param>
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

    /// <summary>The stochastic-depth rate used when the configuration leaves <c>dropPath</c> unset; null for
    /// architectures without stochastic depth (a configured rate is refused for them).</summary>
    public double? DefaultDropPath { get; init; }

    /// <summary>Parameters with a 1000-class head and RGB input (what papers and timm report); a test keeps it true.</summary>
    public long Parameters { get; init; }

    /// <summary>Multiply–accumulates of one forward pass at <see cref="DefaultImageSize"/> with RGB input (the papers'
    /// "FLOPs"; ViTs with patch 16), counted as <c>ModelComplexity</c> counts them; a test keeps it true.</summary>
    public long MultiplyAdds { get; init; }
}
