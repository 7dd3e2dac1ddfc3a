using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Testing;

/// <summary>
/// A Platform service running as its own process, exactly as deployed, on a free loopback port — or on a given one,
/// so that a replacement started after a crash answers where clients already send.
/// </summary>
public sealed class ServiceHost : IAsyncDisposable
{
    private readonly ManagedProcess process;

    private ServiceHost(ManagedProcess process, Uri address)
    {
        this.process = process;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public string Output => process.Output;

    public bool HasExited => process.HasExited;

    /// <summary>The service's process id (benchmarks read its CPU time).</summary>
    public int ProcessId => process.Id;

    /// <param name="project">The project name, e.g. Platform.Ingest.</param>
    /// <param name="readyPath">What to wait for: /health (every dependency reachable) or /alive (the process serves).</param>
    public static async Task<ServiceHost> StartAsync(string project, IReadOnlyDictionary<string, string?> environment, TimeSpan? healthyWithin = null,
        int? port = null, string readyPath = "/health")
    {
        var output = RepositoryPaths.ProjectOutput(project);
        var address = new Uri($"http://127.0.0.1:{port ?? FreePort.Next()}");
        var variables = new Dictionary<string, string?>(environment)
        {
            ["ASPNETCORE_URLS"] = address.ToString(),
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
        };
        // No exporter unless the test asks for one (an OtlpReceiver): one inherited from the test runner's environment would
        // send the service's telemetry somewhere no test looks.
        variables.TryAdd("OTEL_EXPORTER_OTLP_ENDPOINT", null);
        var process = ManagedProcess.Start("dotnet", [Path.Combine(output, project + ".dll")], variables, output);
        var host = new ServiceHost(process, address);
        try
        {
            await host.WaitUntilHealthyAsync(healthyWithin ?? TimeSpan.FromSeconds(90), readyPath);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
        return host;
    }

    public async Task WaitUntilHealthyAsync(TimeSpan timeout, string readyPath = "/health")
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The service exited during start-up:\n{process.Output}");
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
        throw new TimeoutException($"Not healthy within {timeout}: {last}\n{process.Output}");
    }

    /// <summary>Polls a JSON resource until <paramref name="done"/> holds; answers other than success (a 404 before it exists) are waited out.</summary>
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
        throw new TimeoutException($"{path} did not reach the expected state within {timeout}; last: {last}\n{process.Output[^Math.Min(4000, process.Output.Length)..]}");
    }

    public Task KillAsync() => process.KillAsync();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await process.DisposeAsync();
    }
}
