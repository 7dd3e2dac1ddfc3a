namespace Platform.Training.Configuration.Architectures;

/// <summary>
/// What every architecture in <see cref="ModelRegistry"/> is built from. Each value is range-checked when it is
/// set (including through <c>with</c>), so an invalid combination never reaches a model factory.
/// Architecture-specific constraints (minimum image size, patch divisibility) are checked by
/// <see cref="ModelRegistry.Validate"/>.
/// </summary>
/// <param name="NumClasses">Number of output logits; the head is always sized to it.</param>
/// <param name="InputChannels">1 (grayscale) or 3 (RGB); the first convolution takes this many channels.</param>
/// <param name="ImageSize">Square input side in pixels the model is built for (fixes ViT position embeddings and
/// the small_cnn flatten size; CNNs with global pooling accept other sizes).</param>
/// <param name="Dropout">Dropout probability before the final Linear layer (VGG also uses it inside its
/// fully-connected stack), in [0, 1).</param>
/// <param name="PatchSize">ViT patch side in pixels; ignored by CNNs. 16 for 224 px, 4 or 7 for 28 px.</param>
/// <param name="Pretrained">Load the architecture's pretrained backbone weights (only where
/// <see cref="ArchitectureInfo.PretrainedWeights"/> names some; <see cref="ModelRegistry.Create"/> rejects it elsewhere).</param>
/// <param name="DropPath">Stochastic-depth rate of the last residual block (earlier blocks get linearly less), in [0, 1);
/// used by architectures with <see cref="ArchitectureInfo.DefaultDropPath"/> (Swin, ConvNeXt), ignored by the others.</param>
public sealed record ModelOptions(int NumClasses, int InputChannels = 3, int ImageSize = 224, double Dropout = 0.0, int PatchSize = 16, bool Pretrained = false,
    double DropPath = 0.0)
{
    public const int MaxClasses = 100_000;
    public const int MinImageSize = 4;
    public const int MaxImageSize = 2048;

    public int NumClasses { get; init => field = InRange(value, 1, MaxClasses, nameof(NumClasses)); } = InRange(NumClasses, 1, MaxClasses, nameof(NumClasses));

    public int InputChannels { get; init => field = ValidChannels(value); } = ValidChannels(InputChannels);

    public int ImageSize { get; init => field = InRange(value, MinImageSize, MaxImageSize, nameof(ImageSize)); } = InRange(ImageSize, MinImageSize, MaxImageSize, nameof(ImageSize));

    public double Dropout { get; init => field = ValidProbability(value, nameof(Dropout)); } = ValidProbability(Dropout, nameof(Dropout));

    public double DropPath { get; init => field = ValidProbability(value, nameof(DropPath)); } = ValidProbability(DropPath, nameof(DropPath));

    public int PatchSize { get; init => field = InRange(value, 1, MaxImageSize, nameof(PatchSize)); } = InRange(PatchSize, 1, MaxImageSize, nameof(PatchSize));

    private static int InRange(int value, int min, int max, string name) =>
        value >= min && value <= max
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be between {min} and {max}.");

    private static int ValidChannels(int value) =>
        value is 1 or 3
            ? value
            : throw new ArgumentOutOfRangeException(nameof(InputChannels), value, "InputChannels must be 1 (grayscale) or 3 (RGB).");

    private static double ValidProbability(double value, string name) =>
        value >= 0.0 && value < 1.0
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1).");
}
