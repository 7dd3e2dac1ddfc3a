namespace Platform.Contracts.Health;

/// <summary>What <c>GET /health</c> answers in every service: the overall state and each dependency's check.</summary>
/// <param name="Status">One of <see cref="HealthStates"/>.</param>
public sealed record HealthDocument(string Status, double DurationMs, IReadOnlyList<HealthCheckDocument> Checks);
