namespace Platform.AppHost.BackingServices;

/// <summary>How the AppHost provides Redis, RabbitMQ and blob storage.</summary>
public enum BackingServicesMode
{
    /// <summary>Containers where a healthy container runtime answers, local processes otherwise.</summary>
    Auto,
    /// <summary>Redis, RabbitMQ and Azurite containers (needs Docker or Podman).</summary>
    Containers,
    /// <summary>redis-server, rabbitmq-server and azurite-blob started as plain processes on free loopback ports.</summary>
    Processes,
    /// <summary>Servers someone else runs, given as ConnectionStrings:redis, :messaging and :blobs.</summary>
    External,
}
