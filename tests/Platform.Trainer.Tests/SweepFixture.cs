using Azure.Storage.Blobs;
using Platform.Testing;

namespace Platform.Trainer.Tests;

/// <summary>
/// Real Redis, RabbitMQ and Azurite, a tiny Fashion-MNIST subset, the tracker as a process (so a test can kill it) with a fast sweep
/// controller, and two trainer replicas competing for the trials.
/// </summary>
public sealed class SweepFixture : IAsyncLifetime
{
    public const string Dataset = "fashion-sweep";

    public LocalServers Servers { get; private set; } = null!;

    public ServiceHost Tracker { get; private set; } = null!;

    public IReadOnlyList<ServiceHost> Trainers { get; private set; } = [];

    private readonly int trackerPort = FreePort.Next();

    public string Output => Tracker.Output + string.Join("\n", Trainers.Select(t => t.Output));

    public async Task InitializeAsync()
    {
        Servers = await LocalServers.StartAsync(blobs: true, messaging: true, redis: true);
        await DatasetSeeder.PublishFashionMnistAsync(new BlobServiceClient(Servers.BlobConnectionString), Dataset, 1, train: 96, validation: 32);
        Tracker = await StartTrackerAsync();
        var trainers = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => ServiceHost.StartAsync("Platform.Trainer",
            Servers.ServiceEnvironment().Concat(TrainerFixture.FastLeases).Concat(new Dictionary<string, string?>
            {
                ["Trainer__TrackerOtlpEndpoint"] = Tracker.Address.ToString(),
                ["Trainer__TelemetrySpoolFolder"] = Path.Combine(Path.GetTempPath(), $"sweep-spool-{Guid.NewGuid():N}"),
            }).ToDictionary(), TimeSpan.FromMinutes(2))));
        Trainers = trainers;
    }

    private Task<ServiceHost> StartTrackerAsync() =>
        ServiceHost.StartAsync("Platform.Tracker", Servers.ServiceEnvironment().Concat(new Dictionary<string, string?>
        {
            ["Sweeps__PollInterval"] = "00:00:00.200",
            ["Sweeps__LeaseDuration"] = "00:00:02",
        }).ToDictionary(), TimeSpan.FromMinutes(2), port: trackerPort);

    /// <summary>SIGKILL, then a new tracker process on the same port and the same Redis.</summary>
    public async Task KillAndRestartTrackerAsync()
    {
        await Tracker.KillAsync();
        await Tracker.DisposeAsync();
        Tracker = await StartTrackerAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var trainer in Trainers)
        {
            await trainer.DisposeAsync();
        }
        if (Tracker is not null)
        {
            await Tracker.DisposeAsync();
        }
        if (Servers is not null)
        {
            await Servers.DisposeAsync();
        }
    }
}
