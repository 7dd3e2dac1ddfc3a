namespace Platform.Contracts.Health;

/// <summary>
/// A service's readiness and each of its checks' on <c>GET /health</c>, lowercase like every state on the wire. Only
/// <see cref="Healthy"/> answers 200; <see cref="Starting"/> is a check that has not passed yet in the service's first
/// moments (no error is logged for it), still 503.
/// </summary>
public static class HealthStates
{
    public const string Healthy = "healthy";
    public const string Degraded = "degraded";
    public const string Unhealthy = "unhealthy";
    public const string Starting = "starting";
}
