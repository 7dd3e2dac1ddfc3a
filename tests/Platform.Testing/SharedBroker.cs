using System.Diagnostics;
using System.Text.Json;

namespace Platform.Testing;

/// <summary>
/// One RabbitMQ for a whole suite run, each fixture in a virtual host of its own. A broker's boot costs 8–14 s on two
/// cores, paid by every test project that needs one; scripts/test.sh names a folder in
/// <see cref="FolderVariable"/>, the first fixture starts the broker there (detached, so it outlives its test host), later
/// fixtures of any project find it, and test.sh stops it at the end from the pids it leaves. A virtual host per fixture
/// keeps one project's queues and leftover messages from another's consumers, as separate brokers did.
/// Without the variable (one project run on its own) every fixture starts its own broker as before.
/// </summary>
public static class SharedBroker
{
    public const string FolderVariable = "PLATFORM_TEST_SHARED_BROKER";
    private const string StateFile = "broker.json";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    public static string? Folder => System.Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } folder ? folder : null;

    /// <summary>A connection string to a fresh virtual host on the shared broker, starting it if nobody has.</summary>
    public static async Task<string> NewVirtualHostAsync(string folder)
    {
        Directory.CreateDirectory(folder);
        var node = await RunningNodeAsync(folder);
        var virtualHost = $"fixture-{Guid.NewGuid():N}"[..20];
        await ControlAsync(node, ["add_vhost", virtualHost]);
        await ControlAsync(node, ["set_permissions", "-p", virtualHost, "guest", ".*", ".*", ".*"]);
        return node.ConnectionString(virtualHost);
    }

    private static async Task<RabbitMqNode> RunningNodeAsync(string folder)
    {
        // Test projects run one after another, but a project's fixtures start side by side: one starts the broker.
        await using var exclusive = await LockAsync(Path.Combine(folder, "broker.lock"));
        var state = Path.Combine(folder, StateFile);
        if (File.Exists(state) && JsonSerializer.Deserialize<RabbitMqNode>(await File.ReadAllTextAsync(state)) is { } known && await FreePort.IsListeningAsync(known.AmqpPort))
        {
            return known;
        }

        var node = RabbitMqNode.Prepare(Path.Combine(folder, $"node-{Guid.NewGuid():N}"[..17]));
        var log = Path.Combine(node.Folder, "broker.log");
        var pids = Path.Combine(folder, "broker.pids");
        await File.AppendAllTextAsync(pids, $"{Detach("epmd", node.EpmdArguments, node.Environment(log), log)}\n");
        await FreePort.WaitUntilListeningAsync(node.EpmdPort, StartTimeout, () => Tail(log));
        await File.AppendAllTextAsync(pids, $"{Detach(RabbitMqNode.Server, [], node.Environment(log), log)}\n");
        await FreePort.WaitUntilListeningAsync(node.AmqpPort, StartTimeout, () => Tail(log));
        await File.WriteAllTextAsync(state, JsonSerializer.Serialize(node));
        return node;
    }

    /// <summary>Starts a process in its own session, output to a file: nothing ties it to this test host's life or pipes.</summary>
    private static int Detach(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment, string log)
    {
        var start = new ProcessStartInfo("setsid", ["--fork", "/bin/sh", "-c", "echo $$ > \"$0.pid\"; exec \"$@\" >>\"$0\" 2>&1 </dev/null", log, fileName, .. arguments])
        {
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        using var launcher = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        launcher.WaitForExit();
        var pidFile = $"{log}.pid";
        var deadline = Stopwatch.StartNew();
        int pid;
        while (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out pid))
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException($"{fileName} did not start: {Tail(log)}");
            }
            Thread.Sleep(20);
        }
        File.Delete(pidFile);
        return pid;
    }

    private static async Task ControlAsync(RabbitMqNode node, string[] arguments)
    {
        var environment = node.Environment(Path.Combine(node.Folder, "broker.log"))
            .Where(entry => entry.Value is not null).ToDictionary(entry => entry.Key, entry => entry.Value!);
        var result = await ProcessRunner.RunAsync(RabbitMqNode.Control, arguments, node.Folder, TimeSpan.FromSeconds(60), environment);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', arguments)} failed: {result.Describe()}");
        }
    }

    private static async Task<FileStream> LockAsync(string path)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (deadline.Elapsed < StartTimeout)
            {
                await Task.Delay(100);
            }
        }
    }

    private static string Tail(string log) => File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(30)) : "(no log yet)";
}
