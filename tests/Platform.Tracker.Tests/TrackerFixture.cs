using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Platform.Contracts;
using Platform.Testing;

namespace Platform.Tracker.Tests;

/// <summary>
/// Real Redis (append-only), RabbitMQ and Azurite processes, the tracker hosted in the test process (its real Program on a
/// loopback port), and a bus that sees what it publishes. A test that must kill the tracker switches to a tracker process
/// for its duration (<see cref="UseTrackerProcessAsync"/>).
/// </summary>
public sealed class TrackerFixture : IAsyncLifetime
{
    private RecordingBus bus = null!;
    private readonly SemaphoreSlim ingestStart = new(1, 1);
    private ServiceHost? ingest;
    private Task<int>? healthDataset;

    public LocalServers Servers { get; private set; } = null!;

    public ServiceUnderTest Tracker { get; private set; } = null!;

    public int Port { get; } = FreePort.Next();

    /// <summary>An address where no inference listens.</summary>
    public int InferencePort { get; } = FreePort.Next();

    /// <summary>The dashboard address the tracker is given (nothing needs to listen: the run page only links it).</summary>
    public const string DashboardUrl = "http://127.0.0.1:15999";

    /// <summary>Where an ingest process listens once a test asks for one (<see cref="IngestAsync"/>).</summary>
    public int IngestPort { get; } = FreePort.Next();

    /// <summary>The tracker reaches ingest through this relay, so a test can cut ingest off without stopping it.</summary>
    public TcpFaultProxy IngestRoute { get; private set; } = null!;

    /// <summary>The tracker's commands and events, as the bus recorded them.</summary>
    public IReadOnlyCollection<object> Published => bus.Received;

    public IPublishEndpoint Bus => bus.Publisher;

    public async Task InitializeAsync()
    {
        Servers = await LocalServers.StartAsync(blobs: true, messaging: true, redis: true);
        IngestRoute = TcpFaultProxy.Start(IngestPort);
        Tracker = await StartInProcessAsync();
        bus = await RecordingBus.StartAsync(Servers.MessagingConnectionString!, "tracker-tests-observer",
            watch => watch.Record<TrainModel>().Record<CancelTraining>().Record<ModelPromoted>());
    }

    /// <summary>Waits until a message matching <paramref name="match"/> has been published.</summary>
    public Task<T> WaitForPublishedAsync<T>(Func<T, bool> match, TimeSpan? timeout = null) where T : class =>
        bus.WaitForAsync(match, timeout ?? TimeSpan.FromSeconds(30));

    /// <summary>
    /// Stops the tracker — SIGKILL for a tracker process, a host shutdown in process — and starts the same kind again on the
    /// same port and the same Redis, so that what it serves next comes from storage, not from the old one's memory.
    /// </summary>
    public async Task RestartTrackerAsync(Func<Task>? whileDown = null)
    {
        var wasProcess = Tracker is ServiceHost;
        if (Tracker is ServiceHost process)
        {
            await process.KillAsync();
        }
        await Tracker.DisposeAsync();
        if (whileDown is not null)
        {
            await whileDown();
        }
        Tracker = wasProcess ? await StartProcessAsync() : await StartInProcessAsync();
    }

    /// <summary>Replaces the in-process tracker by a tracker process on the same port until the result is disposed.</summary>
    public async Task<IAsyncDisposable> UseTrackerProcessAsync()
    {
        await Tracker.DisposeAsync();
        Tracker = await StartProcessAsync();
        return new BackInProcess(this);
    }

    /// <summary>A real ingest process on the backing services the tracker uses, started by the first test that needs one.</summary>
    public async Task<ServiceHost> IngestAsync()
    {
        await ingestStart.WaitAsync();
        try
        {
            return ingest ??= await ServiceHost.StartAsync("Platform.Ingest", Servers.ServiceEnvironment(), port: IngestPort);
        }
        finally
        {
            ingestStart.Release();
        }
    }

    /// <summary>The <see cref="UiDatasets"/> version, uploaded through the ingest process by the first test that asks for it.</summary>
    public Task<int> HealthDatasetAsync()
    {
        lock (ingestStart)
        {
            return healthDataset ??= Task.Run(async () => await UiDatasets.UploadAsync(await IngestAsync()));
        }
    }

    /// <summary>The backing services, and the other services' addresses as the AppHost gives them (service discovery).</summary>
    private Dictionary<string, string?> TrackerEnvironment() => new(Servers.ServiceEnvironment())
    {
        ["services__ingest__http__0"] = $"http://127.0.0.1:{IngestRoute.Port}",
        // Nothing listens there: the models page's serving state is 'unavailable' in these tests.
        ["services__inference__http__0"] = $"http://127.0.0.1:{InferencePort}",
        ["Tracker__DashboardUrl"] = DashboardUrl,
    };

    private Task<InProcessService<Program>> StartInProcessAsync() =>
        InProcessService<Program>.StartAsync(TrackerEnvironment(), port: Port);

    private Task<ServiceHost> StartProcessAsync() =>
        ServiceHost.StartAsync("Platform.Tracker", TrackerEnvironment(), port: Port);

    private sealed class BackInProcess(TrackerFixture fixture) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await fixture.Tracker.DisposeAsync();
            fixture.Tracker = await fixture.StartInProcessAsync();
        }
    }

    /// <summary>Writes a complete model package for the run, as the trainer does before it announces ModelTrained.</summary>
    public Task WritePackageAsync(string model, Guid run) => StoredModelPackages.WriteAsync(Servers.BlobConnectionString!, model, run);

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Tracker.Client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<(int Status, JsonElement Body)> SendJsonAsync(HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await Tracker.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task DisposeAsync()
    {
        if (bus is not null)
        {
            await bus.DisposeAsync();
        }
        if (Tracker is not null)
        {
            await Tracker.DisposeAsync();
        }
        if (ingest is not null)
        {
            await ingest.DisposeAsync();
        }
        if (IngestRoute is not null)
        {
            await IngestRoute.DisposeAsync();
        }
        if (Servers is not null)
        {
            await Servers.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class TrackerCollection : ICollectionFixture<TrackerFixture>
{
    public const string Name = "tracker service";
}
