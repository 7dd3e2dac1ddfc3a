namespace Platform.Testing;

/// <summary>
/// How a private RabbitMQ node is started and addressed without a container (RECIPES: its own epmd, cookie home, node
/// name and ports, data under one folder). Both a fixture's own broker and the shared broker of a suite run use it.
/// </summary>
public sealed record RabbitMqNode(string Folder, int AmqpPort, int EpmdPort, int DistributionPort)
{
    public const string Server = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    public const string Control = "/usr/lib/rabbitmq/bin/rabbitmqctl";

    public string NodeName => $"test-{AmqpPort}@localhost";

    public static RabbitMqNode Prepare(string folder)
    {
        RepositoryPaths.RequireFile(Server, "run scripts/setup.sh to install rabbitmq-server");
        var data = Directory.CreateDirectory(folder).FullName;
        File.WriteAllText(Path.Combine(data, "rabbitmq.conf"), "loopback_users.guest = true\n");
        File.WriteAllText(Path.Combine(data, "enabled_plugins"), "[].\n");
        return new RabbitMqNode(data, FreePort.Next(), FreePort.Next(), FreePort.Next());
    }

    public string ConnectionString(string virtualHost = "") => $"amqp://guest:guest@127.0.0.1:{AmqpPort}/{Uri.EscapeDataString(virtualHost)}";

    public IReadOnlyList<string> EpmdArguments => ["-port", EpmdPort.ToString(), "-address", "127.0.0.1"];

    /// <summary>What rabbitmq-server and rabbitmqctl need to find this node (and only this one).</summary>
    public Dictionary<string, string?> Environment(string logs) => new()
    {
        ["HOME"] = Folder,
        ["RABBITMQ_NODENAME"] = NodeName,
        ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
        ["RABBITMQ_NODE_PORT"] = AmqpPort.ToString(),
        ["RABBITMQ_DIST_PORT"] = DistributionPort.ToString(),
        ["RABBITMQ_MNESIA_BASE"] = Path.Combine(Folder, "mnesia"),
        ["RABBITMQ_LOG_BASE"] = Path.Combine(Folder, "log"),
        ["RABBITMQ_LOGS"] = logs,
        ["RABBITMQ_CONFIG_FILE"] = Path.Combine(Folder, "rabbitmq.conf"),
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(Folder, "enabled_plugins"),
        ["RABBITMQ_CONF_ENV_FILE"] = "/dev/null",
        ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
        ["ERL_EPMD_PORT"] = EpmdPort.ToString(),
        ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
    };
}
