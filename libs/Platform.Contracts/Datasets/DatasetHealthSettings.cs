namespace Platform.Contracts.Datasets;

/// <summary>The settings a health check ran with, recorded in the report and the manifest.</summary>
/// <param name="DuplicateThreshold">Cosine similarity at or above which two images are near-duplicates.</param>
/// <param name="ProbeFolds">Folds of the linear probe whose out-of-fold probabilities confident learning reads.</param>
/// <param name="OutlierFence">An image is an outlier when its distance to the nearest class centre passes Q3 + this × IQR of all such distances.</param>
public sealed record DatasetHealthSettings(
    HealthMode Mode,
    LeakagePolicy Leakage,
    LabelErrorPolicy LabelErrors,
    double DuplicateThreshold,
    int ProbeFolds,
    double OutlierFence);
