namespace Microsoft.Extensions.Hosting;

/// <summary>The one place that names the activity sources and meters every service exports.</summary>
public static class PlatformTelemetry
{
    /// <summary>MassTransit's own instrumentation: a span per publish/consume, broker metrics.</summary>
    public const string MassTransit = "MassTransit";

    /// <summary>Prefix of Platform's own sources and meters, e.g. <c>Platform.Trainer</c>.</summary>
    public const string PlatformPrefix = "Platform";

    public static readonly string[] ActivitySourceNames = [MassTransit, PlatformPrefix + ".*"];
    public static readonly string[] MeterNames = [MassTransit, PlatformPrefix + ".*"];
}
