using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Testing;

/// <summary>
/// A Platform service hosted inside the test process by <see cref="WebApplicationFactory{TEntryPoint}"/>, its real
/// <c>Program</c> and real backing services, served by Kestrel on a loopback port so that browsers and other processes
/// (the OpenTelemetry sample client) reach it like the deployed one. Starting one costs a fraction of a process start, and a
/// test can reach the service's own objects through <see cref="Services"/>. What needs a process of its own (kill -9, a
/// restart's cold memory) stays with <see cref="ServiceHost"/>.
/// </summary>
public sealed class InProcessService<TEntryPoint> : ServiceUnderTest where TEntryPoint : class
{
    private readonly HostedFactory factory;

    private InProcessService(HostedFactory factory, Uri address) : base(address)
    {
        this.factory = factory;
    }

    public override string Output => factory.Log.Text;

    public override bool HasExited => factory.Stopped;

    /// <summary>The running service's container (its stores, its bus, its options).</summary>
    public IServiceProvider Services => factory.Services;

    /// <param name="environment">Settings named as environment variables (<c>ConnectionStrings__blobs</c>), as a process gets them.</param>
    /// <param name="readyPath">What to wait for: /health (every dependency reachable) or /alive (the host serves).</param>
    public static async Task<InProcessService<TEntryPoint>> StartAsync(IReadOnlyDictionary<string, string?> environment, TimeSpan? healthyWithin = null,
        int? port = null, string readyPath = "/health")
    {
        var address = new Uri($"http://127.0.0.1:{port ?? FreePort.Next()}");
        var factory = new HostedFactory(environment);
        factory.UseKestrel(address.Port);
        InProcessService<TEntryPoint>? service = null;
        try
        {
            // Building the host runs the service's start-up code synchronously; keep it off the test's thread.
            await Task.Run(factory.StartServer);
            service = new InProcessService<TEntryPoint>(factory, address);
            await service.WaitUntilHealthyAsync(healthyWithin ?? TimeSpan.FromSeconds(60), readyPath);
            return service;
        }
        catch
        {
            if (service is not null)
            {
                await service.DisposeAsync();
            }
            else
            {
                await factory.DisposeAsync();
            }
            throw;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await factory.DisposeAsync();
    }

    private sealed class HostedFactory(IReadOnlyDictionary<string, string?> environment) : WebApplicationFactory<TEntryPoint>
    {
        public CapturedLog Log { get; } = new();

        public bool Stopped { get; private set; }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Development");
            // No exporter unless the test asks for one, as for a process: the runner's own variables would otherwise apply.
            builder.UseSetting("OTEL_EXPORTER_OTLP_ENDPOINT", "");
            foreach (var (name, value) in environment)
            {
                builder.UseSetting(name.Replace("__", ":", StringComparison.Ordinal), value);
            }
            builder.ConfigureLogging(logging => logging.ClearProviders().AddProvider(Log));
            builder.ConfigureServices(services => services.AddHostedService(provider => new StopWatcher(this)));
        }

        public override async ValueTask DisposeAsync()
        {
            Stopped = true;
            await base.DisposeAsync();
        }

        private sealed class StopWatcher(HostedFactory owner) : Microsoft.Extensions.Hosting.IHostedService
        {
            public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

            public Task StopAsync(CancellationToken cancellationToken)
            {
                owner.Stopped = true;
                return Task.CompletedTask;
            }
        }
    }
}
