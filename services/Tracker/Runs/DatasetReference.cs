namespace Platform.Tracker.Runs;

public sealed record DatasetReference(string? Name, int? Version);
