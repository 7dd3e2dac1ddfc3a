using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Imaging.Formats.Recipes;

/// <summary>
/// A serialisable description of the preprocessing pipeline. The output is always Channels × Size × Size floats,
/// scaled to [0, 1] and then normalised with Mean/Std.
/// Geometry, in order of precedence:
/// <list type="bullet">
/// <item>RandomResizedCrop set: a random crop (torchvision semantics) resized to Size × Size.</item>
/// <item>ResizeShorterSide set: the shorter side is resized to it (aspect kept), then the centre Size × Size is cut.</item>
/// <item>Neither: the whole image is resized to exactly Size × Size (aspect not kept).</item>
/// </list>
/// Then the optional horizontal flip, RandAugment or TrivialAugmentWide (on the 8-bit Size × Size image, as timm and
/// torchvision run them on the PIL image), colour jitter, normalisation and random erasing (on the normalised image, as
/// timm). The evaluation recipe has no random parts,
/// so inference that uses it reproduces the training evaluation transform exactly.
/// </summary>
public sealed record TransformRecipe(
    int Size,
    int Channels,
    float[] Mean,
    float[] Std,
    int? ResizeShorterSide = null,
    RandomResizedCropOptions? RandomResizedCrop = null,
    double HorizontalFlipProbability = 0,
    ColorJitterOptions? ColorJitter = null,
    RandAugmentOptions? RandAugment = null,
    bool TrivialAugmentWide = false,
    RandomErasingOptions? RandomErasing = null)
{
    public static readonly float[] ImageNetMean = [0.485f, 0.456f, 0.406f];
    public static readonly float[] ImageNetStd = [0.229f, 0.224f, 0.225f];

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    /// <summary>True when the recipe makes no random decision, so the output depends on the image alone.</summary>
    [JsonIgnore]
    public bool IsDeterministic =>
        RandomResizedCrop is null && HorizontalFlipProbability == 0 && (ColorJitter is null || ColorJitter == new ColorJitterOptions())
        && RandAugment is null && !TrivialAugmentWide && RandomErasing is null;

    /// <summary>
    /// Evaluation preset: resize the shorter side to <paramref name="resizeShorterSide"/> (default Size × 256/224,
    /// the ImageNet convention) and cut the centre Size × Size.
    /// </summary>
    public static TransformRecipe Eval(int size, float[] mean, float[] std, int channels = 3, int? resizeShorterSide = null) =>
        new TransformRecipe(size, channels, mean, std,
            ResizeShorterSide: resizeShorterSide ?? (int)Math.Round(size * 256.0 / 224.0)).Validated();

    /// <summary>
    /// Training preset: RandomResizedCrop (default scale 0.08–1, ratio 3/4–4/3), horizontal flip with p = 0.5
    /// and the given colour jitter (none by default).
    /// </summary>
    public static TransformRecipe Train(int size, float[] mean, float[] std, int channels = 3,
        RandomResizedCropOptions? crop = null, double horizontalFlipProbability = 0.5, ColorJitterOptions? colorJitter = null) =>
        new TransformRecipe(size, channels, mean, std,
            RandomResizedCrop: crop ?? new RandomResizedCropOptions(),
            HorizontalFlipProbability: horizontalFlipProbability,
            ColorJitter: colorJitter).Validated();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting; returns this recipe otherwise.</summary>
    public TransformRecipe Validated()
    {
        Require(Size >= 1, $"Size must be at least 1 (was {Size}).");
        Require(Channels is 1 or 3, $"Channels must be 1 or 3 (was {Channels}).");
        Require(Mean is not null && Mean.Length == Channels, $"Mean needs one value per channel ({Channels}).");
        Require(Std is not null && Std.Length == Channels, $"Std needs one value per channel ({Channels}).");
        Require(Std!.All(s => s > 0 && float.IsFinite(s)), "Every Std value must be positive.");
        Require(Mean!.All(float.IsFinite), "Every Mean value must be finite.");
        Require(ResizeShorterSide is null || ResizeShorterSide >= Size,
            $"ResizeShorterSide ({ResizeShorterSide}) must be at least Size ({Size}) so the centre crop fits.");
        Require(HorizontalFlipProbability is >= 0 and <= 1, "HorizontalFlipProbability must lie in [0, 1].");
        if (RandomResizedCrop is { } crop)
        {
            Require(crop.MinScale > 0 && crop.MinScale <= crop.MaxScale && crop.MaxScale <= 1,
                "RandomResizedCrop needs 0 < MinScale <= MaxScale <= 1.");
            Require(crop.MinRatio > 0 && crop.MinRatio <= crop.MaxRatio, "RandomResizedCrop needs 0 < MinRatio <= MaxRatio.");
        }

        if (ColorJitter is { } jitter)
        {
            Require(jitter.Brightness >= 0 && jitter.Contrast >= 0 && jitter.Saturation >= 0,
                "ColorJitter brightness, contrast and saturation must not be negative.");
            Require(jitter.Hue is >= 0 and <= 0.5, "ColorJitter hue must lie in [0, 0.5].");
        }

        if (RandAugment is { } randAugment)
        {
            Require(!TrivialAugmentWide, "RandAugment and TrivialAugmentWide are alternatives; choose one.");
            Require(randAugment.N is >= 1 and <= 10, $"RandAugment N must be between 1 and 10 (was {randAugment.N}).");
            Require(randAugment.M is >= 0 and <= RandAugmentOptions.MaxMagnitude, $"RandAugment M must lie in [0, 10] (was {randAugment.M}).");
            Require(randAugment.MagnitudeStd is >= 0 and <= 10, $"RandAugment MagnitudeStd must lie in [0, 10] (was {randAugment.MagnitudeStd}).");
            Require(randAugment.Probability is >= 0 and <= 1, $"RandAugment Probability must lie in [0, 1] (was {randAugment.Probability}).");
        }

        if (RandomErasing is { } erasing)
        {
            Require(erasing.Probability is >= 0 and <= 1, $"RandomErasing Probability must lie in [0, 1] (was {erasing.Probability}).");
            Require(erasing.MinArea > 0 && erasing.MinArea <= erasing.MaxArea && erasing.MaxArea < 1,
                $"RandomErasing needs 0 < MinArea <= MaxArea < 1 (were {erasing.MinArea} and {erasing.MaxArea}).");
            Require(erasing.MinAspect > 0 && erasing.MinAspect <= erasing.MaxAspect && double.IsFinite(erasing.MaxAspect),
                $"RandomErasing needs 0 < MinAspect <= MaxAspect (were {erasing.MinAspect} and {erasing.MaxAspect}).");
            Require(erasing.Count is >= 1 and <= 16, $"RandomErasing Count must be between 1 and 16 (was {erasing.Count}).");
            Require(Enum.IsDefined(erasing.Fill), $"RandomErasing Fill must be pixel, channel or constant (was {erasing.Fill}).");
        }

        return this;
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static TransformRecipe FromJson(string json) =>
        (JsonSerializer.Deserialize<TransformRecipe>(json, JsonOptions)
         ?? throw new ArgumentException("The recipe JSON is empty.", nameof(json))).Validated();

    /// <summary>Value equality including the Mean/Std contents (records compare arrays by reference).</summary>
    public bool SameAs(TransformRecipe other) =>
        this with { Mean = Array.Empty<float>(), Std = Array.Empty<float>() } == other with { Mean = Array.Empty<float>(), Std = Array.Empty<float>() }
        && Mean.AsSpan().SequenceEqual(other.Mean) && Std.AsSpan().SequenceEqual(other.Std);

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"Invalid transform recipe: {message}");
        }
    }
}
