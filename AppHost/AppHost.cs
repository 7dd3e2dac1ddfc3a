using Platform.AppHost.BackingServices;
using Platform.AppHost.Commands;
using Platform.AppHost.Dashboard;

var builder = DistributedApplication.CreateBuilder(args);

// Redis, RabbitMQ and blob storage: containers, local processes or external services, chosen by
// the BackingServices:Mode setting (see BackingServices/BackingServicesExtensions.cs).
var backing = builder.AddBackingServices();

var ingest = builder.AddProject<Projects.Platform_Ingest>("ingest")
    .WithReference(backing.Blobs)
    .WithReference(backing.Messaging)
    .WithHttpHealthCheck("/health")
    .WithHttpCommand("/diagnostics/wiring-probe", "Check wiring", commandOptions: new()
    {
        Method = HttpMethod.Post,
        Description = "Write a probe blob and ask every service to read it back over RabbitMQ; the tracker collects the answers.",
        IconName = "PlugConnected",
    });

var inference = builder.AddProject<Projects.Platform_Inference>("inference")
    .WithReference(backing.Blobs)
    .WithReference(backing.Messaging)
    // The Open Inference Protocol over gRPC needs an HTTP/2-only port of its own; its number reaches the service as Inference__GrpcPort.
    .WithEndpoint(name: "grpc", scheme: "http", env: "Inference__GrpcPort", isProxied: false)
    .WithHttpHealthCheck("/health");

// The tracker's datasets page reads ingest's datasets and its models page inference's serving state, both through the tracker
// (service discovery: services__ingest__http__0, services__inference__http__0); its run pages link each run's trace on the dashboard.
var tracker = builder.AddProject<Projects.Platform_Tracker>("tracker")
    .WithReference(backing.Redis)
    .WithReference(backing.Blobs)
    .WithReference(backing.Messaging)
    .WithReference(ingest.GetEndpoint("http"))
    .WithReference(inference.GetEndpoint("http"))
    .WithDashboardAddress()
    .WithHttpHealthCheck("/health")
    .WithRunCommands();

var trainer = builder.AddProject<Projects.Platform_Trainer>("trainer")
    .WithReference(backing.Blobs)
    .WithReference(backing.Messaging)
    .WithEnvironment("Trainer__TrackerOtlpEndpoint", tracker.GetEndpoint("http"))
    .WithHttpHealthCheck("/health");

// Trainer replicas compete for runs (one at a time each), so a sweep's trials can run side by side on one machine (docs/sweeps.md).
var replicasSetting = builder.Configuration["Trainer:Replicas"];
if (!int.TryParse(replicasSetting ?? "1", out var trainerReplicas) || trainerReplicas is < 1 or > 16)
{
    throw new InvalidOperationException($"Trainer:Replicas must be a number from 1 to 16 (got '{replicasSetting}').");
}
if (trainerReplicas > 1)
{
    trainer.WithReplicas(trainerReplicas);
}

builder.Build().Run();
