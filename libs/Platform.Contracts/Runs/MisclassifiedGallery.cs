using System.Text.Json;

namespace Platform.Contracts.Runs;

/// <summary>
/// The index of a run's misclassified gallery (<see cref="StorageLayout.RunMisclassifiedIndex"/>): the validation images the final model
/// got most confidently wrong, most confident first. The trainer writes it after the thumbnails it names; the tracker reads it and serves
/// only the thumbnails it names. Both go through <see cref="ToJson"/> and <see cref="FromJson"/>.
/// </summary>
/// <param name="Split">The split the images come from (val, or test for a dataset without a validation split).</param>
/// <param name="Evaluated">Images in that split.</param>
/// <param name="Wrong">How many of them the model got wrong; the gallery keeps the <paramref name="Limit"/> most confident.</param>
/// <param name="Limit">The run's <c>monitoring.misclassifiedExamples</c>.</param>
public sealed record MisclassifiedGallery(
    Guid RunId,
    string Split,
    int Evaluated,
    int Wrong,
    int Limit,
    IReadOnlyList<MisclassifiedExample> Examples)
{
    /// <summary>Thumbnails are at most this many pixels a side, as the dataset health check's are.</summary>
    public const int MaxThumbnailSide = 96;

    /// <summary>The largest index a reader accepts: 100 examples take about 40 KB, so anything far larger is not an index.</summary>
    public const int MaxIndexBytes = 1024 * 1024;

    /// <summary>The largest thumbnail a reader accepts: a 96 × 96 RGB PNG is at most about 28 KB.</summary>
    public const int MaxThumbnailBytes = 256 * 1024;

    /// <summary>camelCase names, indented; null and absent required values refused when reading.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>The thumbnail file name of the example ranked <paramref name="rank"/>.</summary>
    public static string ThumbnailName(int rank) => $"{rank}.png";

    /// <summary>A thumbnail name as the trainer writes them (a rank, then <c>.png</c>): no path, nothing else in the run's folder.</summary>
    public static bool IsThumbnailName(string name) =>
        name.Length is > 4 and <= 8 && name.EndsWith(".png", StringComparison.Ordinal) && name[..^4].All(char.IsAsciiDigit) && name[0] != '0';

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <exception cref="JsonException">The text is not a complete index.</exception>
    public static MisclassifiedGallery FromJson(string json) =>
        JsonSerializer.Deserialize<MisclassifiedGallery>(json, JsonOptions) ?? throw new JsonException("The misclassified gallery index is null.");
}
