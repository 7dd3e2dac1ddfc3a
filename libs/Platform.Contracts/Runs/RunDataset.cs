namespace Platform.Contracts.Runs;

/// <summary>The dataset version a run trains on, as a run request names it.</summary>
public sealed record RunDataset(string? Name, int? Version);
