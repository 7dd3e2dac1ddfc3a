namespace Platform.Contracts.Models;

/// <summary>Where an alias sends its requests: the weighted versions (one at 100 when not split) and the shadow version, if any.</summary>
public sealed record AliasRoute(IReadOnlyList<VersionWeight> Versions, int? Shadow);
