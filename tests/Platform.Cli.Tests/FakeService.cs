using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Platform.Testing;

namespace Platform.Cli.Tests;

/// <summary>An HTTP server with the routes a test gives it, counting the requests it receives.</summary>
public sealed class FakeService : IAsyncDisposable
{
    private readonly WebApplication app;
    private int requests;

    private FakeService(WebApplication app, string address)
    {
        this.app = app;
        Address = address;
    }

    public string Address { get; }

    public int Requests => Volatile.Read(ref requests);

    public static async Task<FakeService> StartAsync(Action<IEndpointRouteBuilder> routes)
    {
        var address = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(address);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var service = new FakeService(app, address);
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref service.requests);
            await next(context);
        });
        routes(app);
        await app.StartAsync();
        return service;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
