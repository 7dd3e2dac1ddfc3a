using System.Text.Json;

namespace Platform.Contracts.Runs;

/// <summary>A row of the runs table: the run's identity and state, and the value of each chosen column it has.</summary>
public sealed record RunTableRow(
    Guid Id,
    string Experiment,
    string State,
    string? ModelName,
    string? DatasetName,
    int? DatasetVersion,
    DateTimeOffset CreatedAt,
    IReadOnlyDictionary<string, JsonElement> Values);
