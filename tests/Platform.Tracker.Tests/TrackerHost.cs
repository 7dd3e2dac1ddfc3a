using System.Net.Http.Json;
using System.Text.Json;
using Platform.Testing;

namespace Platform.Tracker.Tests;

/// <summary>
/// The tracker as its own process on a port chosen once, so that a replacement started after a crash answers at the
/// address an OTLP exporter is already sending to.
/// </summary>
public sealed class TrackerHost : IAsyncDisposable
{
    private readonly ManagedProcess process;

    private TrackerHost(ManagedProcess process, Uri address)
    {
        this.process = process;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public string Output => process.Output;

    /// <param name="readyPath">What to wait for: /health (every dependency reachable) or /alive (the process serves).</param>
    public static async Task<TrackerHost> StartAsync(IReadOnlyDictionary<string, string?> environment, int port, string readyPath = "/health")
    {
        var output = RepositoryPaths.ProjectOutput("Platform.Tracker");
        var address = new Uri($"http://127.0.0.1:{port}");
        var variables = new Dictionary<string, string?>(environment)
        {
            ["ASPNETCORE_URLS"] = address.ToString(),
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
        };
        var host = new TrackerHost(ManagedProcess.Start("dotnet", [Path.Combine(output, "Platform.Tracker.dll")], variables, output), address);
        try
        {
            await host.WaitUntilHealthyAsync(readyPath, TimeSpan.FromSeconds(90));
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    private async Task WaitUntilHealthyAsync(string readyPath, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The tracker exited during start-up:\n{process.Output}");
            }
            try
            {
                using var response = await Client.GetAsync(readyPath);
                last = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException exception)
            {
                last = exception.Message;
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"The tracker was not healthy within {timeout}: {last}\n{process.Output}");
    }

    /// <summary>Polls a JSON resource until <paramref name="done"/> holds.</summary>
    public async Task<JsonElement> PollAsync(string path, Func<JsonElement, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await Client.GetAsync(path);
            if (response.IsSuccessStatusCode)
            {
                last = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (done(last))
                {
                    return last;
                }
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{path} did not reach the expected state; last: {last}\n{process.Output[^Math.Min(4000, process.Output.Length)..]}");
    }

    public Task KillAsync() => process.KillAsync();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await process.DisposeAsync();
    }
}
