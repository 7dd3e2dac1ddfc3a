namespace Platform.Contracts.Models;

/// <summary>A version of a split alias and its share of the requests, in percent.</summary>
public sealed record VersionWeight(int Version, int Weight);
