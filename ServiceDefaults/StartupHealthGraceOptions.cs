namespace Microsoft.Extensions.Hosting;

/// <summary>Bound from the <c>HealthChecks</c> section.</summary>
internal sealed class StartupHealthGraceOptions
{
    public const string Section = "HealthChecks";

    /// <summary>
    /// How long after start an Unhealthy readiness check is reported as starting rather than failed. Default 60 s:
    /// the broker connects within seconds, and models load within a minute. Zero logs failures from the first probe.
    /// </summary>
    public TimeSpan StartupGracePeriod { get; set; } = TimeSpan.FromSeconds(60);
}
