namespace Platform.Testing;

/// <summary>
/// A Platform service running as its own process, exactly as deployed, on a free loopback port — or on a given one,
/// so that a replacement started after a crash answers where clients already send.
/// </summary>
public sealed class ServiceHost : ServiceUnderTest
{
    private readonly ManagedProcess process;

    private ServiceHost(ManagedProcess process, Uri address) : base(address)
    {
        this.process = process;
    }

    public override string Output => process.Output;

    public override bool HasExited => process.HasExited;

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

    public Task KillAsync() => process.KillAsync();

    public override async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await process.DisposeAsync();
    }
}
