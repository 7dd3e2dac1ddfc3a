namespace Platform.AppHost.BackingServices;

/// <summary>The <c>BackingServices</c> configuration section (appsettings.json, environment <c>BackingServices__Mode</c>, …).</summary>
public sealed class BackingServicesOptions
{
    public const string SectionName = "BackingServices";

    /// <summary>auto (default) | containers | processes | external.</summary>
    public string? Mode { get; set; }

    /// <summary>Where local-process mode keeps this run's data; removed when the AppHost stops. Default: a fresh folder under the temp directory.</summary>
    public string? DataFolder { get; set; }

    public string RedisServer { get; set; } = "redis-server";

    public string RabbitMqServer { get; set; } = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    public string Epmd { get; set; } = "epmd";

    /// <summary>Default: the copy that scripts/setup.sh installs into .tools/azurite.</summary>
    public string? AzuriteBlob { get; set; }

    /// <summary>docker or podman; the same setting Aspire reads (ASPIRE_CONTAINER_RUNTIME).</summary>
    public string ContainerRuntime { get; set; } = "docker";
}
