using Microsoft.Extensions.Configuration;

namespace Platform.AppHost.BackingServices;

public static class BackingServicesExtensions
{
    public const string RedisName = "redis";
    public const string MessagingName = "messaging";
    public const string BlobsName = "blobs";

    /// <summary>The well-known development account every Azure Storage emulator accepts (it is public, not a secret).</summary>
    public const string EmulatorAccountConnection =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
        + "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;";

    public static BackingServiceSet AddBackingServices(this IDistributedApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(BackingServicesOptions.SectionName).Get<BackingServicesOptions>()
            ?? new BackingServicesOptions();
        var runtimeName = builder.Configuration["ASPIRE_CONTAINER_RUNTIME"] ?? options.ContainerRuntime;
        var mode = BackingServicesModeSelector.Resolve(
            BackingServicesModeSelector.Parse(options.Mode),
            builder.ExecutionContext.IsPublishMode,
            () => ContainerRuntimeProbe.IsHealthy(runtimeName, TimeSpan.FromSeconds(10)));

        return mode switch
        {
            BackingServicesMode.Containers => builder.AddContainerBackingServices(runtimeName),
            BackingServicesMode.Processes => builder.AddLocalProcessBackingServices(options),
            BackingServicesMode.External => builder.AddExternalBackingServices(),
            _ => throw new BackingServicesException($"Unhandled backing-services mode {mode}."),
        };
    }

    public static IResourceBuilder<ProjectResource> WithReference(this IResourceBuilder<ProjectResource> project, BackingService service)
    {
        project.WithReference(service.Connection);
        return service.Server is null ? project : project.WaitFor(service.Server);
    }

    private static BackingServiceSet AddContainerBackingServices(this IDistributedApplicationBuilder builder, string runtimeName)
    {
        if (builder.ExecutionContext.IsRunMode && !ContainerRuntimeProbe.IsHealthy(runtimeName, TimeSpan.FromSeconds(10)))
        {
            throw new BackingServicesException(
                $"BackingServices:Mode is 'containers' but the container runtime '{runtimeName}' does not answer "
                + "('{runtimeName} info' failed). Start Docker/Podman, or run without containers: BackingServices__Mode=processes "
                + "(after scripts/setup.sh) or BackingServices__Mode=external with connection strings.");
        }

        var redis = builder.AddRedis(RedisName);
        var messaging = builder.AddRabbitMQ(MessagingName)
            .WithEnvironment("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-rabbit consumer_timeout " + LocalProcessBackingServices.TrainingConsumerTimeout.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var azurite = builder.AddContainer("azurite", "mcr.microsoft.com/azure-storage/azurite", "3.35.0")
            .WithArgs("azurite-blob", "--blobHost", "0.0.0.0", "--blobPort", "10000", "--skipApiVersionCheck", "--loose")
            .WithEndpoint(targetPort: 10000, name: "blob", scheme: "http");
        var blobEndpoint = azurite.GetEndpoint("blob");
        var blobs = builder.AddConnectionString(BlobsName, ReferenceExpression.Create(
            $"{EmulatorAccountConnection}BlobEndpoint=http://127.0.0.1:{blobEndpoint.Property(EndpointProperty.Port)}/devstoreaccount1;"));

        return new BackingServiceSet(
            new BackingService(redis, redis.AsResource()),
            new BackingService(messaging, messaging.AsResource()),
            new BackingService(blobs, azurite.AsResource()),
            BackingServicesMode.Containers);
    }

    private static BackingServiceSet AddExternalBackingServices(this IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            var missing = new[] { RedisName, MessagingName, BlobsName }
                .Where(name => string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(name)))
                .ToList();
            if (missing.Count > 0)
            {
                throw new BackingServicesException(
                    "BackingServices:Mode is 'external' but these connection strings are not set: "
                    + string.Join(", ", missing.Select(name => $"ConnectionStrings:{name}"))
                    + ". Set them (e.g. ConnectionStrings__redis=127.0.0.1:6379, "
                    + "ConnectionStrings__messaging=amqp://guest:guest@127.0.0.1:5672/, ConnectionStrings__blobs=<storage connection string>).");
            }
        }

        return new BackingServiceSet(
            new BackingService(builder.AddConnectionString(RedisName), null),
            new BackingService(builder.AddConnectionString(MessagingName), null),
            new BackingService(builder.AddConnectionString(BlobsName), null),
            BackingServicesMode.External);
    }

    internal static IResourceBuilder<IResource> AsResource<T>(this IResourceBuilder<T> builder) where T : IResource =>
        builder.ApplicationBuilder.CreateResourceBuilder<IResource>(builder.Resource);
}
