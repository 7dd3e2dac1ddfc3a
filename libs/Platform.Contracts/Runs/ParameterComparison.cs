namespace Platform.Contracts.Runs;

/// <summary>One parameter across compared runs: its value per run id, and whether they differ.</summary>
public sealed record ParameterComparison(string Name, IReadOnlyDictionary<Guid, string?> Values, bool Differs);
