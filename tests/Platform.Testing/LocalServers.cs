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

    /// <param name="privateBroker">A broker of these servers' own even in a suite run (see <see cref="SharedBroker"/>), for a
    /// test that stops it (<see cref="StopBrokerAsync"/>).</param>
    public static async Task<LocalServers> StartAsync(bool blobs = true, bool messaging = true, bool redis = false, bool privateBroker = false)
    {
        var servers = new LocalServers();
        try
        {
            await Task.WhenAll(
                blobs ? servers.StartAzuriteAsync() : Task.CompletedTask,
                messaging ? servers.StartRabbitMqAsync(privateBroker) : Task.CompletedTask,
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

    private TcpFaultProxy? blobProxy;
    private int azuritePort;

    private async Task StartAzuriteAsync()
    {
        azuritePort = FreePort.Next();
        await RunAzuriteAsync();
        blobProxy = TcpFaultProxy.Start(azuritePort);
        BlobConnectionString = $"{AzuriteAccountConnection}BlobEndpoint=http://127.0.0.1:{blobProxy.Port}/devstoreaccount1;";
    }

    private async Task RunAzuriteAsync()
    {
        var executable = RepositoryPaths.RequireFile(Path.Combine(RepositoryPaths.Root, ".tools", "azurite", "node_modules", ".bin", "azurite-blob"),
            "run scripts/setup.sh to install Azurite");
        var data = Directory.CreateDirectory(Path.Combine(folder, "azurite")).FullName;
        var process = Track(ManagedProcess.Start(executable,
            ["--blobHost", "127.0.0.1", "--blobPort", azuritePort.ToString(), "--location", data, "--skipApiVersionCheck", "--loose"],
            new Dictionary<string, string?>(), data));
        await FreePort.WaitUntilListeningAsync(azuritePort, StartTimeout, () => process.Output);
    }

    /// <summary>
    /// A blob storage outage until the result is disposed: every connection to it is cut and new ones are refused, while
    /// Azurite keeps what it acknowledged (see <see cref="TcpFaultProxy"/>).
    /// </summary>
    public IAsyncDisposable BlobStorageOutage()
    {
        var proxy = blobProxy ?? throw new InvalidOperationException("These servers run no Azurite.");
        proxy.Cut();
        return new Restart(() =>
        {
            proxy.Restore();
            return Task.CompletedTask;
        });
    }

    private RabbitMqNode? broker;
    private ManagedProcess? brokerProcess;

    private async Task StartRabbitMqAsync(bool privateBroker)
    {
        if (!privateBroker && SharedBroker.Folder is { } shared)
        {
            MessagingConnectionString = await SharedBroker.NewVirtualHostAsync(shared);
            return;
        }
        var node = broker = RabbitMqNode.Prepare(Path.Combine(folder, "rabbitmq"));
        var epmd = Track(ManagedProcess.Start("epmd", node.EpmdArguments, new Dictionary<string, string?>(), node.Folder));
        await FreePort.WaitUntilListeningAsync(node.EpmdPort, StartTimeout, () => epmd.Output);
        await RunBrokerAsync(node);
        MessagingConnectionString = node.ConnectionString();
    }

    private async Task RunBrokerAsync(RabbitMqNode node)
    {
        var rabbit = brokerProcess = Track(ManagedProcess.Start(RabbitMqNode.Server, [], node.Environment(logs: "-"), node.Folder));
        await FreePort.WaitUntilListeningAsync(node.AmqpPort, StartTimeout, () => rabbit.Output);
    }

    /// <summary>
    /// The broker stopped as an operator or an upgrade stops it (SIGTERM: every connection closed, durable queues and
    /// their messages kept), then started again on the same port with the same data once the result is disposed.
    /// </summary>
    public async Task<IAsyncDisposable> StopBrokerAsync()
    {
        if (broker is not { } node || brokerProcess is not { } running)
        {
            throw new InvalidOperationException("These servers share the suite's broker; start them with privateBroker: true to stop it.");
        }
        await running.StopAsync(TimeSpan.FromSeconds(30));
        return new Restart(() => RunBrokerAsync(node));
    }

    private sealed class Restart(Func<Task> start) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await start();
    }

    private ManagedProcess? redisProcess;
    private int redisPort;

    private async Task StartRedisAsync()
    {
        redisPort = FreePort.Next();
        await RunRedisAsync();
        RedisConnectionString = $"127.0.0.1:{redisPort}";
    }

    private async Task RunRedisAsync()
    {
        var data = Directory.CreateDirectory(Path.Combine(folder, "redis")).FullName;
        var redis = redisProcess = Track(ManagedProcess.Start("redis-server",
            ["--bind", "127.0.0.1", "--port", redisPort.ToString(), "--dir", data, "--appendonly", "yes", "--save", "", "--daemonize", "no"],
            new Dictionary<string, string?>(), data));
        await FreePort.WaitUntilListeningAsync(redisPort, StartTimeout, () => redis.Output);
    }

    /// <summary>
    /// Redis stopped as an operator or an upgrade stops it (SIGTERM: it writes its append-only file and exits), then
    /// started again on the same port with the same data once the result is disposed.
    /// </summary>
    public async Task<IAsyncDisposable> StopRedisAsync()
    {
        var running = redisProcess ?? throw new InvalidOperationException("These servers run no Redis.");
        await running.StopAsync(TimeSpan.FromSeconds(30));
        return new Restart(RunRedisAsync);
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
        // Killed, not stopped: their data is thrown away next, and Azurite's graceful stop waits out every client's
        // keep-alive connection (15 s of each fixture's teardown when it was asked politely).
        if (blobProxy is not null)
        {
            await blobProxy.DisposeAsync();
        }
        await Task.WhenAll(processes.Select(process => process.KillAsync()));
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
