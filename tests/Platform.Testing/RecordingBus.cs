using System.Collections.Concurrent;
using MassTransit;

namespace Platform.Testing;

/// <summary>
/// A MassTransit bus on the test's RabbitMQ that records every message of the kinds it is told to watch, and publishes
/// what a test sends as a service would: the tests' one way to see and drive the services' messages.
/// </summary>
public sealed class RecordingBus : IAsyncDisposable
{
    private readonly IBusControl bus;
    private readonly ConcurrentQueue<object> received;

    private RecordingBus(IBusControl bus, ConcurrentQueue<object> received)
    {
        this.bus = bus;
        this.received = received;
    }

    /// <summary>Everything recorded so far, in arrival order.</summary>
    public IReadOnlyCollection<object> Received => received;

    public IPublishEndpoint Publisher => bus;

    /// <param name="queue">The bus's own queue name, unique per test project so two fixtures never share one.</param>
    /// <param name="watch">Which message types to record, e.g. <c>watch => { watch.Record&lt;ModelTrained&gt;(); }</c>.</param>
    public static async Task<RecordingBus> StartAsync(string messagingConnectionString, string queue, Action<Watch> watch)
    {
        var received = new ConcurrentQueue<object>();
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(new Uri(messagingConnectionString));
            rabbit.ReceiveEndpoint(queue, endpoint => watch(new Watch(endpoint, received)));
        });
        await bus.StartAsync();
        return new RecordingBus(bus, received);
    }

    public IEnumerable<T> Messages<T>() => received.OfType<T>();

    public Task PublishAsync<T>(T message) where T : class => bus.Publish(message);

    /// <summary>Waits until a recorded <typeparamref name="T"/> matches; on timeout lists what was recorded.</summary>
    public Task<T> WaitForAsync<T>(Func<T, bool> match, TimeSpan timeout, Func<string>? diagnostics = null) where T : class =>
        Eventually.ValueAsync(() => Messages<T>().FirstOrDefault(match), timeout,
            () => $"no matching {typeof(T).Name}; recorded: {string.Join(", ", received)}. {diagnostics?.Invoke()}");

    public async ValueTask DisposeAsync() => await bus.StopAsync();

    /// <summary>The message types a <see cref="RecordingBus"/> records.</summary>
    public sealed class Watch(IReceiveEndpointConfigurator endpoint, ConcurrentQueue<object> received)
    {
        public Watch Record<T>() where T : class
        {
            endpoint.Handler<T>(context =>
            {
                received.Enqueue(context.Message);
                return Task.CompletedTask;
            });
            return this;
        }
    }
}
