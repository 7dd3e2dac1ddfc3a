using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Platform.AppHost.BackingServices;

/// <summary>
/// Redis, RabbitMQ (with its own epmd) and Azurite as plain processes on free loopback ports, for machines
/// without a container engine. Each run keeps its data in a fresh folder that is removed when the AppHost stops.
/// </summary>
internal static class LocalProcessBackingServices
{
    /// <summary>
    /// A trainer holds its TrainModel delivery for the whole run, so the broker must not close the channel after
    /// RabbitMQ's default 30 minutes: 7 days, in milliseconds (see docs/trainer.md).
    /// </summary>
    public const long TrainingConsumerTimeout = 7L * 24 * 3600 * 1000;

    private const string SetupHint = "Run scripts/setup.sh (it installs redis-server and rabbitmq-server from the distribution and Azurite from npm), "
        + "or choose another mode: BackingServices__Mode=containers (Docker/Podman) or external (connection strings).";

    public static BackingServiceSet AddLocalProcessBackingServices(this IDistributedApplicationBuilder builder, BackingServicesOptions options)
    {
        var repositoryRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        var azuriteDefault = Path.Combine(repositoryRoot, ".tools", "azurite", "node_modules", ".bin", "azurite-blob");
        var redisServer = Require(options.RedisServer, "redis-server", "apt-get install redis-server");
        var rabbitMqServer = Require(options.RabbitMqServer, "rabbitmq-server", "apt-get install rabbitmq-server");
        var epmd = Require(options.Epmd, "epmd (Erlang, installed with rabbitmq-server)", "apt-get install rabbitmq-server");
        var azuriteBlob = Require(options.AzuriteBlob ?? azuriteDefault, "azurite-blob", "npm install --prefix .tools/azurite azurite");

        var data = RunDataFolder.Create(options.DataFolder);
        builder.Services.AddHostedService(services => new RunDataFolderCleanup(data, services));

        var redis = builder.AddRedisServer(redisServer, data);
        var messaging = builder.AddRabbitMqServer(rabbitMqServer, epmd, data);
        var blobs = builder.AddAzuriteServer(azuriteBlob, data);

        return new BackingServiceSet(redis, messaging, blobs, BackingServicesMode.Processes);
    }

    private static BackingService AddRedisServer(this IDistributedApplicationBuilder builder, string executable, RunDataFolder data)
    {
        var directory = data.CreateSubfolder("redis");
        var server = builder.AddExecutable("redis-server", executable, directory)
            .WithEndpoint(name: "tcp", scheme: "tcp", isProxied: false)
            .WithTcpHealthCheck("tcp");
        var endpoint = server.GetEndpoint("tcp");
        // Append-only persistence: the tracker is a system of record and must survive a restart of Redis.
        server.WithArgs("--bind", "127.0.0.1", "--port", endpoint.Property(EndpointProperty.TargetPort),
                "--dir", directory, "--appendonly", "yes", "--save", "", "--daemonize", "no", "--protected-mode", "yes");
        var connection = builder.AddConnectionString(BackingServicesExtensions.RedisName, ReferenceExpression.Create(
            $"127.0.0.1:{endpoint.Property(EndpointProperty.Port)}"));
        return new BackingService(connection, server.AsResource());
    }

    private static BackingService AddRabbitMqServer(this IDistributedApplicationBuilder builder, string executable, string epmdExecutable, RunDataFolder data)
    {
        var directory = data.CreateSubfolder("rabbitmq");
        var configFile = Path.Combine(directory, "rabbitmq.conf");
        File.WriteAllText(configFile, $"loopback_users.guest = true\nconsumer_timeout = {TrainingConsumerTimeout}\n");
        var pluginsFile = Path.Combine(directory, "enabled_plugins");
        File.WriteAllText(pluginsFile, "[].\n");

        // A private epmd per run: the shared one would outlive this run's node and keep its port.
        var epmd = builder.AddExecutable("epmd", epmdExecutable, directory)
            .WithEndpoint(name: "tcp", scheme: "tcp", isProxied: false)
            .WithTcpHealthCheck("tcp");
        var epmdEndpoint = epmd.GetEndpoint("tcp");
        epmd.WithArgs("-port", epmdEndpoint.Property(EndpointProperty.TargetPort), "-address", "127.0.0.1");

        var server = builder.AddExecutable("rabbitmq", executable, directory)
            .WithEndpoint(name: "amqp", scheme: "tcp", isProxied: false)
            .WithEndpoint(name: "dist", scheme: "tcp", isProxied: false)
            .WithTcpHealthCheck("amqp")
            .WaitFor(epmd);
        var amqp = server.GetEndpoint("amqp");
        var dist = server.GetEndpoint("dist");
        server
            .WithEnvironment("HOME", directory)
            .WithEnvironment("RABBITMQ_NODENAME", $"platform-{data.RunId}@localhost")
            .WithEnvironment("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1")
            .WithEnvironment("RABBITMQ_NODE_PORT", amqp.Property(EndpointProperty.TargetPort))
            .WithEnvironment("RABBITMQ_DIST_PORT", dist.Property(EndpointProperty.TargetPort))
            .WithEnvironment("RABBITMQ_MNESIA_BASE", Path.Combine(directory, "mnesia"))
            .WithEnvironment("RABBITMQ_LOG_BASE", Path.Combine(directory, "log"))
            .WithEnvironment("RABBITMQ_LOGS", "-")
            .WithEnvironment("RABBITMQ_CONFIG_FILE", configFile)
            .WithEnvironment("RABBITMQ_ENABLED_PLUGINS_FILE", pluginsFile)
            .WithEnvironment("RABBITMQ_CONF_ENV_FILE", "/dev/null")
            .WithEnvironment("ERL_EPMD_ADDRESS", "127.0.0.1")
            .WithEnvironment("ERL_EPMD_PORT", epmdEndpoint.Property(EndpointProperty.TargetPort))
            .WithEnvironment("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}");

        var connection = builder.AddConnectionString(BackingServicesExtensions.MessagingName, ReferenceExpression.Create(
            $"amqp://guest:guest@127.0.0.1:{amqp.Property(EndpointProperty.Port)}/"));
        return new BackingService(connection, server.AsResource());
    }

    private static BackingService AddAzuriteServer(this IDistributedApplicationBuilder builder, string executable, RunDataFolder data)
    {
        var directory = data.CreateSubfolder("azurite");
        var server = builder.AddExecutable("azurite", executable, directory)
            .WithEndpoint(name: "blob", scheme: "http", isProxied: false)
            .WithTcpHealthCheck("blob");
        var endpoint = server.GetEndpoint("blob");
        server.WithArgs("--blobHost", "127.0.0.1", "--blobPort", endpoint.Property(EndpointProperty.TargetPort),
            "--location", directory, "--skipApiVersionCheck", "--loose");
        // 127.0.0.1, not localhost: on a non-default port the Blob SDK misparses a localhost URI (account, container).
        var connection = builder.AddConnectionString(BackingServicesExtensions.BlobsName, ReferenceExpression.Create(
            $"{BackingServicesExtensions.EmulatorAccountConnection}BlobEndpoint=http://127.0.0.1:{endpoint.Property(EndpointProperty.Port)}/devstoreaccount1;"));
        return new BackingService(connection, server.AsResource());
    }

    private static string Require(string configured, string what, string install) =>
        ExecutableLocator.Find(configured, Environment.GetEnvironmentVariable("PATH"))
        ?? throw new BackingServicesException(
            $"Local-process mode needs {what}, which was not found (looked for '{configured}'). "
            + $"Install it ({install}). {SetupHint}");

    private static IResourceBuilder<ExecutableResource> WithTcpHealthCheck(this IResourceBuilder<ExecutableResource> resource, string endpointName)
    {
        var endpoint = resource.GetEndpoint(endpointName);
        var key = $"{resource.Resource.Name}-{endpointName}-accepts";
        resource.ApplicationBuilder.Services.AddHealthChecks().AddAsyncCheck(key, async cancellationToken =>
        {
            if (!endpoint.IsAllocated)
            {
                return HealthCheckResult.Unhealthy("port not allocated yet");
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", endpoint.Port, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (SocketException exception)
            {
                return HealthCheckResult.Unhealthy($"127.0.0.1:{endpoint.Port} does not accept connections yet: {exception.SocketErrorCode}");
            }
        });
        return resource.WithHealthCheck(key);
    }
}
