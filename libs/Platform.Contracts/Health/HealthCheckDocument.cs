namespace Platform.Contracts.Health;

/// <summary>One dependency's check in a <see cref="HealthDocument"/>, with the reason when it did not pass.</summary>
/// <param name="Status">One of <see cref="HealthStates"/>.</param>
public sealed record HealthCheckDocument(string Name, string Status, string? Description, double DurationMs, IReadOnlyList<string> Tags);
