using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Xunit.Abstractions;
using Platform.Testing;

namespace Platform.AppHost.Tests;

/// <summary>
/// The AppHost as a user runs it: its own process, the http launch profile's settings, the dashboard on.
/// </summary>
public sealed class AppHostProcessTests(ITestOutputHelper output)
{
    private static readonly string[] Services = PlatformAppHost.Services;

    [Fact]
    public async Task Started_like_a_user_it_shows_every_services_telemetry_on_an_anonymous_dashboard_and_stops_cleanly_on_sigterm()
    {
        var dataFolder = Path.Combine(Path.GetTempPath(), "platform-apphost-tests", Guid.NewGuid().ToString("N")[..12]);
        var dashboardUrl = $"http://127.0.0.1:{FreePort.Next()}";
        using var appHost = StartAppHost(dashboardUrl, dataFolder);
        var started = Stopwatch.StartNew();
        IReadOnlyList<int> descendants = [];
        try
        {
            using var dashboard = new HttpClient { BaseAddress = new Uri(dashboardUrl), Timeout = TimeSpan.FromSeconds(5) };
            var resources = await WaitForTelemetryFromEveryServiceAsync(dashboard, TimeSpan.FromMinutes(4));
            output.WriteLine($"all services reporting logs, traces and metrics after {started.Elapsed.TotalSeconds:F1} s");
            Assert.All(Services, service => Assert.Contains(service, resources));

            descendants = ProcessTable.DescendantsOf(appHost.Id);
            Assert.NotEmpty(ProcessTable.WorkingInside(dataFolder));
        }
        finally
        {
            // SIGTERM, as a service manager or `docker stop` would send it.
            Process.Start("kill", ["-TERM", appHost.Id.ToString()])?.WaitForExit();
        }

        await appHost.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);
        await ProcessTable.WaitUntilGoneAsync(descendants, dataFolder, TimeSpan.FromSeconds(30));
        Assert.False(Directory.Exists(dataFolder), $"{dataFolder} was left behind");
    }

    private static Process StartAppHost(string dashboardUrl, string dataFolder)
    {
        var appHostDirectory = AppHostDirectory();
        // With artifacts output, the AppHost's own build sits beside this test project's: artifacts/bin/<project>/<configuration>/.
        var executable = Path.Combine(
            AppContext.BaseDirectory.Replace($"{Path.DirectorySeparatorChar}Platform.AppHost.Tests{Path.DirectorySeparatorChar}", $"{Path.DirectorySeparatorChar}Platform.AppHost{Path.DirectorySeparatorChar}"),
            "Platform.AppHost");
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = appHostDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The http launch profile's settings, with free ports instead of its fixed ones.
        foreach (var (name, value) in LaunchProfileEnvironment(appHostDirectory))
        {
            start.Environment[name] = value;
        }
        start.Environment["ASPNETCORE_URLS"] = dashboardUrl;
        start.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort.Next()}";
        start.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort.Next()}";
        start.Environment["BackingServices__Mode"] = "processes";
        start.Environment["BackingServices__DataFolder"] = dataFolder;

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static string AppHostDirectory()
    {
        var path = Projects.Platform_AppHost.ProjectPath;
        return File.Exists(path) ? Path.GetDirectoryName(path)! : path;
    }

    private static IEnumerable<(string Name, string Value)> LaunchProfileEnvironment(string appHostDirectory)
    {
        var settings = Path.Combine(appHostDirectory, "Properties", "launchSettings.json");
        using var document = JsonDocument.Parse(File.ReadAllText(settings));
        var profile = document.RootElement.GetProperty("profiles").GetProperty("http");
        foreach (var variable in profile.GetProperty("environmentVariables").EnumerateObject())
        {
            yield return (variable.Name, variable.Value.GetString()!);
        }
    }

    private static async Task<IReadOnlyList<string>> WaitForTelemetryFromEveryServiceAsync(HttpClient dashboard, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var reporting = new List<string>();
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await dashboard.GetAsync("/api/telemetry/resources");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    using var resources = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    reporting = resources.RootElement.EnumerateArray()
                        .Where(resource => resource.GetProperty("hasLogs").GetBoolean()
                            && resource.GetProperty("hasTraces").GetBoolean()
                            && resource.GetProperty("hasMetrics").GetBoolean())
                        .Select(resource => resource.GetProperty("name").GetString()!)
                        .ToList();
                    if (Services.All(reporting.Contains))
                    {
                        return reporting;
                    }
                }
            }
            catch (HttpRequestException)
            {
                // The dashboard is not listening yet.
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(500);
        }
        throw new TimeoutException($"Within {timeout} only [{string.Join(", ", reporting)}] sent logs, traces and metrics to the dashboard.");
    }
}
