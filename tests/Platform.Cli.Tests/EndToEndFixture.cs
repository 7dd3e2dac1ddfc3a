using Platform.Cli.Http;
using Platform.Testing;

namespace Platform.Cli.Tests;

/// <summary>
/// The whole suite as processes, as the AppHost runs it in local-process mode: real Azurite, RabbitMQ and Redis, and the
/// ingest, tracker, trainer and inference services, each its own process. Tests drive it only through the platform
/// command (as a process) and the services' public HTTP APIs.
/// </summary>
public sealed class EndToEndFixture : IAsyncLifetime
{
    public LocalServers Servers { get; private set; } = null!;

    public ServiceHost Ingest { get; private set; } = null!;

    public ServiceHost Tracker { get; private set; } = null!;

    public ServiceHost Trainer { get; private set; } = null!;

    public ServiceHost Inference { get; private set; } = null!;

    /// <summary>The environment the platform command runs with: where each service answers.</summary>
    public IReadOnlyDictionary<string, string> CliEnvironment { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Servers = await LocalServers.StartAsync(blobs: true, messaging: true, redis: true);
        var environment = Servers.ServiceEnvironment();
        // The journeys time training, not the ingest health check (its own tests cover it): health=auto stays off here.
        var ingest = ServiceHost.StartAsync("Platform.Ingest", new Dictionary<string, string?>(environment) { ["Ingest__HealthAutoMaxImages"] = "0" });
        var inference = ServiceHost.StartAsync("Platform.Inference", environment);
        Tracker = await ServiceHost.StartAsync("Platform.Tracker", environment);
        var trainer = ServiceHost.StartAsync("Platform.Trainer", new Dictionary<string, string?>(environment)
        {
            ["Trainer__TrackerOtlpEndpoint"] = Tracker.Address.ToString(),
            ["Trainer__ParityImages"] = "16",
        }, TimeSpan.FromMinutes(2));
        Ingest = await ingest;
        Inference = await inference;
        Trainer = await trainer;
        CliEnvironment = new Dictionary<string, string>
        {
            [ServiceEndpoints.IngestVariable] = Ingest.Address.ToString(),
            [ServiceEndpoints.TrackerVariable] = Tracker.Address.ToString(),
            [ServiceEndpoints.InferenceVariable] = Inference.Address.ToString(),
        };
    }

    public Task<CliResult> PlatformAsync(TimeSpan timeout, params string[] args) => CliRun.ProcessAsync(CliEnvironment, timeout, args);

    /// <summary>Every service's recent output, for a failure message.</summary>
    public string Diagnostics() => string.Join("\n", new[] { ("ingest", Ingest), ("tracker", Tracker), ("trainer", Trainer), ("inference", Inference) }
        .Select(s => $"--- {s.Item1}\n{Tail(s.Item2?.Output ?? "")}"));

    public async Task DisposeAsync()
    {
        foreach (var service in new[] { Inference, Trainer, Tracker, Ingest })
        {
            if (service is not null)
            {
                await service.DisposeAsync();
            }
        }
        if (Servers is not null)
        {
            await Servers.DisposeAsync();
        }
    }

    private static string Tail(string text) => text.Length > 3000 ? text[^3000..] : text;
}

[CollectionDefinition(Name)]
public sealed class EndToEndCollection : ICollectionFixture<EndToEndFixture>
{
    public const string Name = "end to end";
}
