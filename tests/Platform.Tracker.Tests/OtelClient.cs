using Platform.Testing;

namespace Platform.Tracker.Tests;

/// <summary>Runs tests/OtelClientSample, a plain OpenTelemetry SDK program, against the tracker.</summary>
public static class OtelClient
{
    public static ManagedProcess Start(Uri tracker, IEnumerable<string> arguments, string compression = "none")
    {
        var output = RepositoryPaths.ProjectOutput("OtelClientSample");
        return ManagedProcess.Start("dotnet", [Path.Combine(output, "OtelClientSample.dll"), .. arguments], new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = tracker.ToString().TrimEnd('/'),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_COMPRESSION"] = compression,
        }, output);
    }

    public static async Task RunToCompletionAsync(Uri tracker, IEnumerable<string> arguments, string compression = "none")
    {
        await using var client = Start(tracker, arguments, compression);
        await WaitForExitAsync(client, TimeSpan.FromMinutes(2));
    }

    public static async Task WaitForExitAsync(ManagedProcess client, TimeSpan timeout)
    {
        if (!await client.WaitForExitAsync(timeout))
        {
            throw new TimeoutException($"The OpenTelemetry client did not finish:\n{client.Output}");
        }
        Assert.True(client.Output.Contains("Logged run", StringComparison.Ordinal), $"The OpenTelemetry client failed (exit code {client.ExitCode}):\n{client.Output}");
    }
}
