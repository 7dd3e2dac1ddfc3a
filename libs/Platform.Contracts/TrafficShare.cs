namespace Platform.Contracts;

/// <summary>One version of a split alias and the percentage of the alias's requests it answers.</summary>
public sealed record TrafficShare(int Version, Guid RunId, int Weight);
