namespace Platform.Testing;

/// <summary>
/// Real Azurite, RabbitMQ and Redis processes on free loopback ports, with their data in a temporary folder,
/// for tests of one service at a time (the AppHost tests start the whole suite instead). scripts/setup.sh
/// installs the binaries.
/// </summary>
public sealed class LocalServers : IAsyncDisposable
{
    public const string AzuriteAccountConnection =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
        + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly List<ManagedProcess> processes = [];
    private readonly string folder = Directory.CreateTempSubdirectory("platform-servers-").FullName;

    public string? BlobConnectionString { get; private set; }

    public string? MessagingConnectionString { get; private set; }

    public string? RedisConnectionString { get; private set; }

    public static async Task<LocalServers> StartAsync(bool blobs = true, bool messaging = true, bool redis = false)
    {
        var servers = new LocalServers();
        try
        {
            await Task.WhenAll(
                blobs ? servers.StartAzuriteAsync() : Task.CompletedTask,
                messaging ? servers.StartRabbitMqAsync() : Task.CompletedTask,
                redis ? servers.StartRedisAsync() : Task.CompletedTask);
        }
        catch
        {
            await servers.DisposeAsync();
            throw;
        }
        return servers;
    }

    /// <summary>The connection strings as a service reads them from its environment.</summary>
    public IReadOnlyDictionary<string, string?> ServiceEnvironment() => new Dictionary<string, string?>
    {
        ["ConnectionStrings__blobs"] = BlobConnectionString,
        ["ConnectionStrings__messaging"] = MessagingConnectionString,
        ["ConnectionStrings__redis"] = RedisConnectionString,
    }.Where(entry => entry.Value is not null).ToDictionary();

    private ManagedProcess? azurite;
    private int azuritePort;

    private async Task StartAzuriteAsync()
    {
        azuritePort = FreePort.Next();
        await RunAzuriteAsync();
        BlobConnectionString = $"{AzuriteAccountConnection}BlobEndpoint=http://127.0.0.1:{azuritePort}/devstoreaccount1;";
    }

    private async Task RunAzuriteAsync()
    {
        var executable = RepositoryPaths.RequireFile(Path.Combine(RepositoryPaths.Root, ".tools", "azurite", "node_modules", ".bin", "azurite-blob"),
            "run scripts/setup.sh to install Azurite");
        var data = Directory.CreateDirectory(Path.Combine(folder, "azurite")).FullName;
        var process = azurite = Track(ManagedProcess.Start(executable,
            ["--blobHost", "127.0.0.1", "--blobPort", azuritePort.ToString(), "--location", data, "--skipApiVersionCheck", "--loose"],
            new Dictionary<string, string?>(), data));
        await FreePort.WaitUntilListeningAsync(azuritePort, StartTimeout, () => process.Output);
    }

    /// <summary>A blob storage outage: Azurite is killed now, and comes back on the same port with the same data when the result is disposed.</summary>
    public async Task<IAsyncDisposable> StopBlobStorageAsync()
    {
        var running = azurite ?? throw new InvalidOperationException("These servers run no Azurite.");
        await running.KillAsync();
        return new Restart(RunAzuriteAsync);
    }

    private sealed class Restart(Func<Task> start) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await start();
    }

    private async Task StartRabbitMqAsync()
    {
        const string server = "/usr/lib/rabbitmq/bin/rabbitmq-server";
        RepositoryPaths.RequireFile(server, "run scripts/setup.sh to install rabbitmq-server");
        var data = Directory.CreateDirectory(Path.Combine(folder, "rabbitmq")).FullName;
        var epmdPort = FreePort.Next();
        var epmd = Track(ManagedProcess.Start("epmd", ["-port", epmdPort.ToString(), "-address", "127.0.0.1"], new Dictionary<string, string?>(), data));
        await FreePort.WaitUntilListeningAsync(epmdPort, StartTimeout, () => epmd.Output);

        var amqpPort = FreePort.Next();
        var configFile = Path.Combine(data, "rabbitmq.conf");
        await File.WriteAllTextAsync(configFile, "loopback_users.guest = true\n");
        var pluginsFile = Path.Combine(data, "enabled_plugins");
        await File.WriteAllTextAsync(pluginsFile, "[].\n");
        var rabbit = Track(ManagedProcess.Start(server, [], new Dictionary<string, string?>
        {
            ["HOME"] = data,
            ["RABBITMQ_NODENAME"] = $"test-{amqpPort}@localhost",
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = amqpPort.ToString(),
            ["RABBITMQ_DIST_PORT"] = FreePort.Next().ToString(),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(data, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(data, "log"),
            ["RABBITMQ_LOGS"] = "-",
            ["RABBITMQ_CONFIG_FILE"] = configFile,
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = pluginsFile,
            ["RABBITMQ_CONF_ENV_FILE"] = "/dev/null",
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
            ["ERL_EPMD_PORT"] = epmdPort.ToString(),
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
        }, data));
        await FreePort.WaitUntilListeningAsync(amqpPort, StartTimeout, () => rabbit.Output);
        MessagingConnectionString = $"amqp://guest:guest@127.0.0.1:{amqpPort}/";
    }

    private async Task StartRedisAsync()
    {
        var port = FreePort.Next();
        var data = Directory.CreateDirectory(Path.Combine(folder, "redis")).FullName;
        var redis = Track(ManagedProcess.Start("redis-server",
            ["--bind", "127.0.0.1", "--port", port.ToString(), "--dir", data, "--appendonly", "yes", "--save", "", "--daemonize", "no"],
            new Dictionary<string, string?>(), data));
        await FreePort.WaitUntilListeningAsync(port, StartTimeout, () => redis.Output);
        RedisConnectionString = $"127.0.0.1:{port}";
    }

    private ManagedProcess Track(ManagedProcess process)
    {
        lock (processes)
        {
            processes.Add(process);
        }
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        // Reverse order: RabbitMQ before its epmd.
        for (var i = processes.Count - 1; i >= 0; i--)
        {
            await processes[i].StopAsync(TimeSpan.FromSeconds(15));
        }
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
