using System.Collections.Concurrent;
using Azure.Storage.Blobs;
using MassTransit;
using Platform.Contracts;
using Platform.Testing;

namespace Platform.Trainer.Tests;

/// <summary>
/// Real Azurite and RabbitMQ, a Fashion-MNIST subset published as a dataset version in the ingest layout, and a
/// test bus that sends commands and records the trainer's events.
/// </summary>
public sealed class TrainerFixture : IAsyncLifetime
{
    public const string Dataset = "fashion-subset";
    public const int DatasetVersion = 1;

    private IBusControl bus = null!;

    public LocalServers Servers { get; private set; } = null!;

    public BlobServiceClient Blobs { get; private set; } = null!;

    public ConcurrentQueue<ModelTrained> Trained { get; } = new();

    public ConcurrentQueue<RunFailed> Failed { get; } = new();

    public ConcurrentQueue<RunCancelled> Cancelled { get; } = new();

    public static readonly IReadOnlyDictionary<string, string?> FastLeases = new Dictionary<string, string?>
    {
        ["Trainer__LeaseDuration"] = "00:00:06",
        ["Trainer__HeartbeatInterval"] = "00:00:01",
        ["Trainer__ParityImages"] = "16",
    };

    public async Task InitializeAsync()
    {
        Servers = await LocalServers.StartAsync(blobs: true, messaging: true);
        Blobs = new BlobServiceClient(Servers.BlobConnectionString);
        await DatasetSeeder.PublishFashionMnistAsync(Blobs, Dataset, DatasetVersion, train: 2000, validation: 500);
        bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(new Uri(Servers.MessagingConnectionString!));
            rabbit.ReceiveEndpoint("trainer-tests-events", endpoint =>
            {
                endpoint.Handler<ModelTrained>(context => Record(Trained, context.Message));
                endpoint.Handler<RunFailed>(context => Record(Failed, context.Message));
                endpoint.Handler<RunCancelled>(context => Record(Cancelled, context.Message));
            });
        });
        await bus.StartAsync();
    }

    private static Task Record<T>(ConcurrentQueue<T> queue, T message)
    {
        queue.Enqueue(message);
        return Task.CompletedTask;
    }

    public Task<ServiceHost> StartTrainerAsync(IReadOnlyDictionary<string, string?>? settings = null) =>
        ServiceHost.StartAsync("Platform.Trainer", Servers.ServiceEnvironment().Concat(FastLeases).Concat(settings ?? new Dictionary<string, string?>()).ToDictionary(),
            TimeSpan.FromMinutes(2));

    public Task PublishAsync<T>(T message) where T : class => bus.Publish(message);

    public static TrainModel Job(Guid runId, string configJson) =>
        new(runId, "tests", Dataset, DatasetVersion, "fashion-cnn", configJson, DateTimeOffset.UtcNow);

    /// <summary>A small, fast configuration: small_cnn on 28×28 grayscale, one thread per trainer.</summary>
    public static string SmallCnnConfig(int epochs, int batchSize = 64) => $$"""
        {
          "architecture": "small_cnn", "imageSize": 28, "inputChannels": 1, "epochs": {{epochs}}, "batchSize": {{batchSize}},
          "lr": 0.003, "optimizer": { "kind": "adamw" }, "augmentation": { "preset": "none" }, "threads": 1, "loaderWorkers": 1, "seed": 7
        }
        """;

    public async Task<T> WaitForAsync<T>(ConcurrentQueue<T> queue, Func<T, bool> match, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (queue.FirstOrDefault(match) is { } found)
            {
                return found;
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"No matching {typeof(T).Name} within {timeout}. {diagnostics?.Invoke()}");
    }

    /// <summary>Waits for the run's model, failing at once with the reason if the run fails instead.</summary>
    public async Task<ModelTrained> WaitForModelAsync(Guid runId, TimeSpan timeout, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Trained.FirstOrDefault(m => m.RunId == runId) is { } trained)
            {
                return trained;
            }
            if (Failed.FirstOrDefault(m => m.RunId == runId) is { } failed)
            {
                throw new InvalidOperationException($"Run {runId} failed: {failed.Reason}: {failed.Detail}");
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"No model for run {runId} within {timeout}.\n{diagnostics()[^Math.Min(6000, diagnostics().Length)..]}");
    }

    public async Task<IReadOnlyList<string>> CheckpointsAsync(Guid runId)
    {
        var names = new List<string>();
        var container = Blobs.GetBlobContainerClient(StorageLayout.RunsContainer);
        if (!(await container.ExistsAsync()).Value)
        {
            return names;
        }
        var prefix = StorageLayout.RunCheckpoint(runId, "");
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, prefix, default))
        {
            names.Add(blob.Name[prefix.Length..]);
        }
        return names;
    }

    public async Task DisposeAsync()
    {
        if (bus is not null)
        {
            await bus.StopAsync();
        }
        if (Servers is not null)
        {
            await Servers.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class TrainerCollection : ICollectionFixture<TrainerFixture>
{
    public const string Name = "trainer service";
}
