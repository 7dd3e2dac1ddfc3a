using Platform.Training.Configuration;
using Platform.Contracts.Naming;

namespace Platform.Tracker.Runs;

public sealed record DatasetReference(string? Name, int? Version);
