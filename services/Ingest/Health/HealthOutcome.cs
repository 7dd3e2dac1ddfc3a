using Platform.Contracts.Datasets;

namespace Platform.Ingest.Health;

/// <summary>What the health check found and decided: the report, each sample's split after leakage moves, and the samples left out.</summary>
public sealed record HealthOutcome(DatasetHealthReport Report, int[] Splits, bool[] Excluded);
