namespace Platform.Contracts.Datasets;

/// <summary>What a user asked of one ingest: split fractions, seed, size policy, channels, balancing, allowed labels.</summary>
/// <param name="Size">Square side every image is resized to; null keeps the original sizes.</param>
/// <param name="Channels">1 or 3; null decides by source (IDX stays 1-channel, image archives become RGB).</param>
/// <param name="BalanceRatio">With oversampling, every train class is raised to at least this share of the largest one; with
/// undersampling, every train class is cut to at most the smallest one divided by it.</param>
/// <param name="AllowedClasses">When given, labels outside this list are rejected as unknown.</param>
/// <param name="ClassNames">Names of IDX labels 0, 1, 2… in order; without it IDX classes are named "0", "1", ….</param>
public sealed record IngestSettings(
    double TrainFraction,
    double ValidationFraction,
    double TestFraction,
    int Seed,
    int? Size,
    int? Channels,
    BalanceMethod Balance,
    double BalanceRatio,
    IReadOnlyList<string>? AllowedClasses,
    IReadOnlyList<string>? ClassNames)
{
    /// <summary>CIFAR-100 only: label the images by their fine (default) or coarse class.</summary>
    public CifarLabelSet Labels { get; init; } = CifarLabelSet.Fine;

    /// <summary>Whether the health check (near-duplicates, leakage, label errors, outliers) runs; auto: up to a configured size.</summary>
    public HealthMode Health { get; init; } = HealthMode.Auto;

    /// <summary>What is done with a near-duplicate across splits: moved into its original's split, or only reported.</summary>
    public LeakagePolicy Leakage { get; init; } = LeakagePolicy.Move;

    /// <summary>What is done with a likely label error: reported, or reported and left out of the version.</summary>
    public LabelErrorPolicy LabelErrors { get; init; } = LabelErrorPolicy.Report;

    public static readonly IngestSettings Default = new(0.8, 0.1, 0.1, 42, null, null, BalanceMethod.None, 1.0, null, null);

    public static IReadOnlyList<string> SplitNames { get; } = ["train", "val", "test"];
}
