namespace Platform.Contracts.Runs;

/// <summary>One entry of <c>GET /experiments</c>: an experiment with its run counts by state.</summary>
public sealed record ExperimentSummary(string Name, int Runs, IReadOnlyDictionary<string, int> RunsByState, DateTimeOffset LastRunAt);
