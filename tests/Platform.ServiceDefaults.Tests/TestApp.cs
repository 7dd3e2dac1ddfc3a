using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Platform.ServiceDefaults.Tests;

/// <summary>
/// A minimal service on a free loopback port with the service defaults, as a service's Program.cs builds it, with what
/// it logged and the spans it would export.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    private TestApp(WebApplication app, LogRecorder logs, SpanRecorder spans)
    {
        App = app;
        Logs = logs;
        Spans = spans;
        Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        // Like the CLI, which runs no OpenTelemetry: its requests carry no traceparent. (Without a propagator, this
        // handler leaves out HttpClient's diagnostics, through which the in-process instrumentation would add one.)
        Client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null })
        {
            BaseAddress = Address,
        };
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public LogRecorder Logs { get; }

    public SpanRecorder Spans { get; }

    public static async Task<TestApp> StartAsync(
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null,
        Action<WebApplication>? map = null,
        string environment = "Production")
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        // Where appsettings.json and the environment sit: before anything AddServiceDefaults adds.
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        var logs = new LogRecorder();
        var spans = new SpanRecorder();
        builder.Logging.AddProvider(logs);
        builder.AddServiceDefaults();
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(spans));
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapDefaultEndpoints();
        map?.Invoke(app);
        await app.StartAsync();
        return new TestApp(app, logs, spans);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

public sealed record LogEntry(string Category, LogLevel Level, string Message);

public sealed class LogRecorder : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> entries = new();

    public IReadOnlyList<LogEntry> Entries => [.. entries];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception)));
    }
}

/// <summary>What an exporter would receive: ended, recorded spans.</summary>
public sealed record RecordedSpan(string Source, ActivityKind Kind, ActivityStatusCode Status, IReadOnlyDictionary<string, string?> Tags)
{
    public string? Tag(string name) => Tags.GetValueOrDefault(name);
}

public sealed class SpanRecorder : BaseProcessor<Activity>
{
    private readonly ConcurrentQueue<RecordedSpan> spans = new();

    public IReadOnlyList<RecordedSpan> Recorded => [.. spans];

    /// <summary>Server spans end just after the answer is sent: waits for a matching one, or fails naming what came.</summary>
    public async Task<RecordedSpan> WaitForAsync(Func<RecordedSpan, bool> match)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            if (Recorded.FirstOrDefault(match) is { } span)
            {
                return span;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("No matching span; recorded: " + string.Join("; ", Recorded.Select(s => string.Join(",", s.Tags))));
            }
            await Task.Delay(50);
        }
    }

    public override void OnEnd(Activity data)
    {
        if (data.Recorded)
        {
            spans.Enqueue(new RecordedSpan(data.Source.Name, data.Kind, data.Status,
                data.TagObjects.ToDictionary(tag => tag.Key, tag => tag.Value?.ToString())));
        }
    }
}
