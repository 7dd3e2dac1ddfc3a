using Platform.Contracts.Predictions;

namespace Platform.Contracts.Runs;

/// <summary>One validation image the final model got wrong, in a run's misclassified gallery.</summary>
/// <param name="Rank">1 for the most confident mistake, then in order of falling confidence.</param>
/// <param name="Key">The image's key in the dataset (its file name in the upload, or its IDX position); null when the source has none.</param>
/// <param name="Confidence">The softmax probability the model gave <paramref name="PredictedLabel"/>.</param>
/// <param name="Top">The most probable labels (at most three), most probable first: the first is <paramref name="PredictedLabel"/>.</param>
/// <param name="Thumbnail">The thumbnail's file name in the run's gallery folder (<see cref="MisclassifiedGallery.IsThumbnailName"/>).</param>
/// <param name="Width">The thumbnail's width in pixels (at most <see cref="MisclassifiedGallery.MaxThumbnailSide"/>).</param>
/// <param name="Height">The thumbnail's height in pixels.</param>
public sealed record MisclassifiedExample(
    int Rank,
    string? Key,
    string TrueLabel,
    string PredictedLabel,
    double Confidence,
    IReadOnlyList<LabelProbability> Top,
    string Thumbnail,
    int Width,
    int Height);
