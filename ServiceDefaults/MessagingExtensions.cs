using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.ServiceDefaults.Diagnostics;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// MassTransit over RabbitMQ, configured once for the suite. Queue names are prefixed with the service
/// name, so replicas of one service compete for a queue while different services each get their own
/// copy of a published event.
/// </summary>
public static class MessagingExtensions
{
    public const string ConnectionName = "messaging";

    public static TBuilder AddPlatformMessaging<TBuilder>(
        this TBuilder builder,
        string serviceName,
        Action<IBusRegistrationConfigurator>? configureConsumers = null)
        where TBuilder : IHostApplicationBuilder
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"No RabbitMQ connection string: set ConnectionStrings:{ConnectionName} (for example "
                + "'amqp://guest:guest@127.0.0.1:5672/'). The AppHost sets it when it starts the suite.");
        }
        var brokerUri = ParseBrokerUri(connectionString);

        builder.Services.AddSingleton(new ServiceIdentity(serviceName));
        builder.Services.AddScoped<WiringProbeRequester>();
        builder.Services.AddMassTransit(bus =>
        {
            // MassTransit 8.4+ reports anonymous usage telemetry to its vendor after start; no service calls an address the
            // operator did not configure (and without internet it only fills the log with stack traces), so it is off.
            bus.ConfigureUsageTelemetryOptions(options => options.Enabled = false);
            bus.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(serviceName + "-", includeNamespace: false));
            bus.AddConsumer<WiringProbeConsumer>();
            configureConsumers?.Invoke(bus);

            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(brokerUri, host =>
                {
                    var (user, password) = Credentials(brokerUri);
                    host.Username(user);
                    host.Password(password);
                });
                // Transient faults (a blob timeout, a broker hiccup) are retried; what still fails lands in
                // the consumer's _error queue, never swallowed.
                rabbit.UseMessageRetry(retry => retry.Exponential(
                    retryLimit: 5,
                    minInterval: TimeSpan.FromMilliseconds(200),
                    maxInterval: TimeSpan.FromSeconds(10),
                    intervalDelta: TimeSpan.FromMilliseconds(300)));
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    internal static Uri ParseBrokerUri(string connectionString)
    {
        if (!Uri.TryCreate(connectionString, UriKind.Absolute, out var uri) || (uri.Scheme != "amqp" && uri.Scheme != "amqps"))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{ConnectionName} must be an amqp:// or amqps:// URI, such as "
                + "'amqp://user:password@host:5672/'.");
        }
        return uri;
    }

    private static (string User, string Password) Credentials(Uri brokerUri)
    {
        var parts = brokerUri.UserInfo.Split(':', 2);
        return parts.Length == 2 && parts[0].Length > 0
            ? (Uri.UnescapeDataString(parts[0]), Uri.UnescapeDataString(parts[1]))
            : ("guest", "guest");
    }
}
