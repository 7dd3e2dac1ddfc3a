using System.Text.Json;
using Azure.Storage.Blobs;
using MassTransit;
using Platform.Contracts;
using Platform.Contracts.ModelPackages;
using Platform.Testing;
using Platform.Testing.Otlp;
using Platform.Trainer.Jobs;
using Conventions = Platform.Contracts.Telemetry.TrainingTelemetryConventions;

namespace Platform.Trainer.Tests;

/// <summary>
/// Real Azurite and RabbitMQ, a Fashion-MNIST subset published as a dataset version in the ingest layout, and a
/// test bus that sends commands and records the trainer's events.
/// </summary>
public class TrainerFixture : IAsyncLifetime
{
    public const string Dataset = "fashion-subset";
    public const int DatasetVersion = 1;

    private RecordingBus bus = null!;
    private readonly Lazy<Task<ObservedRun>> twoEpochRun;
    private readonly OtlpReceiver tracker = OtlpReceiver.Start();
    private readonly OtlpReceiver dashboard = OtlpReceiver.Start();

    public TrainerFixture()
    {
        twoEpochRun = new(RunTwoEpochJobAsync);
    }

    /// <summary>Whether these tests stop the broker, and so need one of their own.</summary>
    protected virtual bool PrivateBroker => false;

    public LocalServers Servers { get; private set; } = null!;

    public BlobServiceClient Blobs { get; private set; } = null!;

    public IEnumerable<ModelTrained> Trained => bus.Messages<ModelTrained>();

    public IEnumerable<RunFailed> Failed => bus.Messages<RunFailed>();

    public IEnumerable<RunCancelled> Cancelled => bus.Messages<RunCancelled>();

    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(500);

    public static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(6);

    /// <summary>Short leases and one SDK retry of a blob call, so takeovers and outages show within seconds.</summary>
    public static readonly IReadOnlyDictionary<string, string?> FastLeases = new Dictionary<string, string?>
    {
        ["Trainer__LeaseDuration"] = LeaseDuration.ToString("c"),
        ["BlobStorage__Retry__MaxRetries"] = "1",
        ["BlobStorage__Retry__Delay"] = "00:00:00.2",
        ["Trainer__HeartbeatInterval"] = HeartbeatInterval.ToString("c"),
        ["Trainer__ParityImages"] = "16",
    };

    public async Task InitializeAsync()
    {
        Servers = await LocalServers.StartAsync(blobs: true, messaging: true, privateBroker: PrivateBroker);
        Blobs = new BlobServiceClient(Servers.BlobConnectionString);
        await DatasetSeeder.PublishFashionMnistAsync(Blobs, Dataset, DatasetVersion, train: 1000, validation: 250);
        bus = await RecordingBus.StartAsync(Servers.MessagingConnectionString!, "trainer-tests-events",
            watch => watch.Record<ModelTrained>().Record<RunFailed>().Record<RunCancelled>());
    }

    public Task<ServiceHost> StartTrainerAsync(IReadOnlyDictionary<string, string?>? settings = null) =>
        ServiceHost.StartAsync("Platform.Trainer", Servers.ServiceEnvironment().Concat(FastLeases).Concat(settings ?? new Dictionary<string, string?>()).ToDictionary(),
            TimeSpan.FromMinutes(2));

    /// <summary>A two-epoch small-CNN job, run once for every test that reads what such a run leaves.</summary>
    public Task<ObservedRun> TwoEpochRunAsync() => twoEpochRun.Value;

    private async Task<ObservedRun> RunTwoEpochJobAsync()
    {
        var spool = Path.Combine(Path.GetTempPath(), $"trainer-spool-{Guid.NewGuid():N}");
        var settings = new Dictionary<string, string?>(dashboard.ExporterEnvironment())
        {
            ["Trainer__TrackerOtlpEndpoint"] = tracker.Endpoint.ToString(),
            ["Trainer__TelemetrySpoolFolder"] = spool,
        };
        await using var trainer = await StartTrainerAsync(settings);
        var runId = Guid.NewGuid();

        // The tracker is down for the whole run and past its end: the lease says Completed (package published), and the
        // outcome must still wait, seconds after the spans were flushed to the spool, until the tracker acknowledges them.
        tracker.Unavailable = true;
        await PublishAsync(Job(runId, SmallCnnConfig(epochs: 2, tensorBoard: true)));
        await Eventually.UntilAsync(async () => await LeaseStateAsync(runId) == JobState.Completed, TimeSpan.FromMinutes(3), () => trainer.Output);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var outage = new TrackerOutage(Trained.Any(m => m.RunId == runId), Directory.EnumerateFiles(spool, "*.otlp", SearchOption.AllDirectories).Count());
        tracker.Unavailable = false;

        var trained = await WaitForModelAsync(runId, TimeSpan.FromMinutes(4), () => trainer.Output);
        var atCompletion = tracker.Spans.ToList();
        await dashboard.WaitForAsync(received => received.Spans.Any(s => s.Name == Conventions.RunSpan && s.Attribute(Conventions.RunId) == runId.ToString()),
            TimeSpan.FromSeconds(30), "the run's span");
        return new ObservedRun(runId, trained, atCompletion, dashboard, outage);
    }

    public Task PublishAsync<T>(T message) where T : class => bus.PublishAsync(message);

    public static TrainModel Job(Guid runId, string configJson) =>
        new(runId, "tests", Dataset, DatasetVersion, "fashion-cnn", configJson, DateTimeOffset.UtcNow);

    /// <summary>A small, fast configuration: small_cnn on 28×28 grayscale, one thread per trainer.</summary>
    /// <param name="everySteps">checkpoint.everySteps: mid-epoch checkpoints every that many steps; null = at epoch ends only.</param>
    public static string SmallCnnConfig(int epochs, int batchSize = 64, bool tensorBoard = false, int? everySteps = null)
    {
        string checkpoint = everySteps is { } steps ? $", \"checkpoint\": {{ \"everySteps\": {steps} }}" : "";
        return $$"""
            {
              "architecture": "small_cnn", "imageSize": 28, "inputChannels": 1, "epochs": {{epochs}}, "batchSize": {{batchSize}},
              "lr": 0.003, "optimizer": { "kind": "adamw" }, "augmentation": { "preset": "none" }, "threads": 1, "loaderWorkers": 1, "seed": 7,
              "tensorboard": { "enabled": {{(tensorBoard ? "true" : "false")}} }{{checkpoint}}
            }
            """;
    }

    public Task<T> WaitForAsync<T>(IEnumerable<T> messages, Func<T, bool> match, TimeSpan timeout, Func<string>? diagnostics = null) where T : class =>
        Eventually.ValueAsync(() => messages.FirstOrDefault(match), timeout, () => $"no matching {typeof(T).Name}. {diagnostics?.Invoke()}");

    /// <summary>Waits for the run's model, failing at once with the reason if the run fails instead.</summary>
    public Task<ModelTrained> WaitForModelAsync(Guid runId, TimeSpan timeout, Func<string> diagnostics) =>
        Eventually.ValueAsync(() => Failed.FirstOrDefault(m => m.RunId == runId) is { } failed
                ? throw new InvalidOperationException($"Run {runId} failed: {failed.Reason}: {failed.Detail}")
                : Trained.FirstOrDefault(m => m.RunId == runId),
            timeout, () => $"no model for run {runId}.\n{diagnostics()}");

    /// <summary>Waits until the run has stored its first epoch checkpoint: the point where the fault tests interrupt it.</summary>
    public Task WaitForFirstEpochCheckpointAsync(Guid runId, ServiceHost trainer) =>
        Eventually.UntilAsync(async () => (await CheckpointsAsync(runId)).Any(name => name.StartsWith("epoch-", StringComparison.Ordinal)),
            TimeSpan.FromMinutes(3), () => trainer.Output);

    /// <summary>Waits until the run has stored a checkpoint of that name, polling often: the mid-epoch fault test kills the trainer at once.</summary>
    public Task WaitForCheckpointAsync(Guid runId, string name, ServiceHost trainer) =>
        Eventually.UntilAsync(async () => (await CheckpointsAsync(runId)).Contains(name), TimeSpan.FromMinutes(3), () => trainer.Output,
            TimeSpan.FromMilliseconds(50));

    /// <summary>The epochs the run's published package records, in order: each once if nothing was lost or repeated.</summary>
    public async Task<IReadOnlyList<int>> PackagedEpochsAsync(Guid runId) =>
        [.. (await PackagedHistoryAsync(runId)).Select(e => e.GetProperty("epoch").GetInt32())];

    /// <summary>The optimizer steps the run had taken at the end of each epoch its package records.</summary>
    public async Task<IReadOnlyList<long>> PackagedStepsAsync(Guid runId) =>
        [.. (await PackagedHistoryAsync(runId)).Select(e => e.GetProperty("step").GetInt64())];

    private async Task<IReadOnlyList<JsonElement>> PackagedHistoryAsync(Guid runId)
    {
        var metrics = Blobs.GetBlobContainerClient(StorageLayout.ModelsContainer)
            .GetBlobClient(StorageLayout.ModelPackageFile("fashion-cnn", runId, ModelPackageLayout.MetricsFile));
        using var document = JsonDocument.Parse((await metrics.DownloadContentAsync()).Value.Content.ToString());
        return [.. document.RootElement.GetProperty("history").EnumerateArray().Select(e => e.Clone())];
    }

    /// <summary>Every TensorBoard event file the trainer stored for the run, decoded.</summary>
    public async Task<IReadOnlyList<Platform.Testing.TensorBoardSchema.Event>> TensorBoardEventsAsync(Guid runId)
    {
        var events = new List<Platform.Testing.TensorBoardSchema.Event>();
        var container = Blobs.GetBlobContainerClient(StorageLayout.RunsContainer);
        await foreach (var blob in container.GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None,
                           StorageLayout.RunTensorBoardPrefix(runId), default))
        {
            events.AddRange(Platform.Testing.TensorBoard.TensorBoardRecords.Read((await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray()));
        }
        return events;
    }

    public async Task<JobState?> LeaseStateAsync(Guid runId)
    {
        var lease = Blobs.GetBlobContainerClient(StorageLayout.RunsContainer).GetBlobClient($"{StorageLayout.RunPrefix(runId)}lease.json");
        if (!(await lease.ExistsAsync()).Value)
        {
            return null;
        }
        var content = await lease.DownloadContentAsync();
        return JsonSerializer.Deserialize<JobLease>(content.Value.Content.ToString(), JsonSerializerOptions.Web)?.State;
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
        await tracker.DisposeAsync();
        await dashboard.DisposeAsync();
        if (bus is not null)
        {
            await bus.DisposeAsync();
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
