namespace Platform.Contracts;

/// <summary>
/// Event: an alias (such as <c>production</c>) now routes to a model version, or splits its traffic between versions, and may mirror
/// it to a shadow version. Each event carries the alias's whole route, so a consumer applies it without knowing the one before.
/// </summary>
/// <param name="Version">The primary version: the only one, or the split's version with the largest weight (the first on a tie).</param>
/// <param name="RunId">The run that produced <paramref name="Version"/>.</param>
/// <param name="Split">The weighted versions when the alias splits traffic (weights sum to 100); null when <paramref name="Version"/> takes it all.</param>
/// <param name="Shadow">A version that gets a copy of the alias's requests off the answer path; null when none.</param>
public sealed record ModelPromoted(
    string ModelName,
    int Version,
    string Alias,
    Guid RunId,
    string PackageUri,
    DateTimeOffset PromotedAt,
    IReadOnlyList<TrafficShare>? Split = null,
    ShadowVersion? Shadow = null)
{
    /// <summary>The versions that answer, with their weights: the split, or the primary version with weight 100.</summary>
    public IReadOnlyList<TrafficShare> Shares() => Split is { Count: > 0 } split ? split : [new TrafficShare(Version, RunId, 100)];
}
