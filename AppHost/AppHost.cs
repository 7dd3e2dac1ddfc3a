using Platform.AppHost.BackingServices;
using Platform.AppHost.Commands;

var builder = DistributedApplication.CreateBuilder(args);

// Redis, RabbitMQ and blob storage: containers, local processes or external services, chosen by
// the BackingServices:Mode setting (see BackingServices/BackingServicesExtensions.cs).
var backing = builder.AddBackingServices();

builder.AddProject<Projects.Platform_Ingest>("ingest")
    .WithReference(backing.Blobs)
    .WithReference(backing.Messaging)
    .WithHttpHealthCheck("/health")
    .WithHttpCommand("/diagnostics/wiring-probe", "Check wiring", commandOptions: new()
    {
        Method = HttpMethod.Post,
        Description = "Write a probe blob and ask every service to read it back over RabbitMQ; the tracker collects the answers.",
        IconName = "PlugConnected",
    });

var tracker = builder.AddProject<Projects.Platform_Tracker>("tracker")
    .WithReference(backing.Redis)
    .WithReference(backing.Blobs)
    .WithReference(backing.Messaging)
    .WithHttpHealthCheck("/health")
    .WithRunCommands();

builder.AddProject<Projects.Platform_Trainer>("trainer")
    .WithReference(backing.Blobs)
    .WithReference(backing.Messaging)
    .WithEnvironment("Trainer__TrackerOtlpEndpoint", tracker.GetEndpoint("http"))
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.Platform_Inference>("inference")
    .WithReference(backing.Blobs)
    .WithReference(backing.Messaging)
    // The Open Inference Protocol over gRPC needs an HTTP/2-only port of its own; its number reaches the service as Inference__GrpcPort.
    .WithEndpoint(name: "grpc", scheme: "http", env: "Inference__GrpcPort", isProxied: false)
    .WithHttpHealthCheck("/health");

builder.Build().Run();
