namespace Platform.Contracts.Datasets;

/// <summary>
/// An image whose given label is improbable by confident learning: out of fold, the linear probe gives another class a
/// probability at or above that class's threshold and above the given one. Never relabelled; with <c>labelErrors=exclude</c> it
/// is left out of the version.
/// </summary>
/// <param name="GivenProbability">The probe's out-of-fold probability of the given label.</param>
/// <param name="GivenThreshold">The given class's threshold: the mean probability of that class over the images labelled with it.</param>
/// <param name="Neighbours">The nearest accepted images, with their labels.</param>
public sealed record LabelIssue(
    string Key,
    string Split,
    string GivenLabel,
    string SuggestedLabel,
    double GivenProbability,
    double GivenThreshold,
    double SuggestedProbability,
    double SuggestedThreshold,
    bool Excluded,
    string? Thumbnail,
    IReadOnlyList<ImageNeighbour> Neighbours);
