using Platform.Contracts.Health;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Xunit.Abstractions;

namespace Platform.AppHost.Tests;

/// <summary>
/// One suite started through the AppHost in local-process mode serves every test here (a start costs half a minute);
/// the last test stops it and checks what stopping leaves behind.
/// </summary>
[TestCaseOrderer(RunsLastOrderer.TypeName, RunsLastOrderer.AssemblyName)]
public sealed class LocalProcessSuiteTests(SuiteFixture fixture, ITestOutputHelper output) : IClassFixture<SuiteFixture>
{
    private PlatformAppHost Suite => fixture.Suite;

    [Fact]
    public async Task Every_service_reports_healthy_with_each_dependency_checked()
    {
        output.WriteLine($"cold start to all services healthy: {Suite.ColdStart.TotalSeconds:F1} s");
        var expectedChecks = new Dictionary<string, string[]>
        {
            ["ingest"] = ["blobs", "masstransit-bus"],
            ["trainer"] = ["blobs", "masstransit-bus", "torch"],
            ["tracker"] = ["blobs", "masstransit-bus", "StackExchange.Redis"],
            ["inference"] = ["blobs", "masstransit-bus"],
        };

        foreach (var (service, checks) in expectedChecks)
        {
            Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, Suite.HealthOf(service));
            using var client = Suite.App.CreateHttpClient(service);
            using var health = JsonDocument.Parse(await client.GetStringAsync("/health"));
            Assert.Equal(HealthStates.Healthy, health.RootElement.GetProperty("status").GetString());
            var reported = health.RootElement.GetProperty("checks").EnumerateArray()
                .ToDictionary(check => check.GetProperty("name").GetString()!, check => check.GetProperty("status").GetString());
            foreach (var check in checks)
            {
                Assert.True(reported.TryGetValue(check, out var status), $"{service} does not check {check}");
                Assert.Equal(HealthStates.Healthy, status);
            }
        }
    }

    [Fact]
    public async Task A_wiring_probe_from_ingest_reaches_every_service_over_rabbitmq_and_blob_storage_and_is_recorded_in_redis()
    {
        using var ingest = Suite.App.CreateHttpClient("ingest");
        using var tracker = Suite.App.CreateHttpClient("tracker");

        using var accepted = await ingest.PostAsync("/diagnostics/wiring-probe", content: null);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var probe = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        var probeId = probe.GetProperty("probeId").GetGuid();

        var answers = await WaitForAnswersAsync(tracker, probeId, expected: PlatformAppHost.Services.Length, TimeSpan.FromSeconds(60));

        Assert.Equal(PlatformAppHost.Services.Order(), answers.Select(a => a.GetProperty("service").GetString()).Order());
        Assert.All(answers, answer => Assert.True(answer.GetProperty("blobVerified").GetBoolean(), answer.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task The_tracker_answers_not_found_for_a_probe_nobody_sent()
    {
        using var tracker = Suite.App.CreateHttpClient("tracker");

        using var response = await tracker.GetAsync($"/diagnostics/wiring-probes/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("ingest")]
    [InlineData("tracker")]
    [InlineData("inference")]
    public async Task Each_http_service_publishes_an_openapi_document(string service)
    {
        using var client = Suite.App.CreateHttpClient(service);

        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));

        Assert.StartsWith("3.", document.RootElement.GetProperty("openapi").GetString());
    }

    [Fact, RunsLast]
    public async Task Stopping_the_apphost_leaves_none_of_its_processes_running_and_removes_its_data()
    {
        var processIds = Suite.ProcessIds();
        var dataFolder = Suite.DataFolder;
        Assert.Superset(PlatformAppHost.BackingProcesses.Concat(PlatformAppHost.Services).ToHashSet(), processIds.Keys.ToHashSet());
        Assert.NotEmpty(ProcessTable.WorkingInside(dataFolder));

        await Suite.DisposeAsync();

        await ProcessTable.WaitUntilGoneAsync(processIds.Values, dataFolder, TimeSpan.FromSeconds(30));
        Assert.False(Directory.Exists(dataFolder), $"{dataFolder} was left behind");
    }

    private static async Task<IReadOnlyList<JsonElement>> WaitForAnswersAsync(HttpClient tracker, Guid probeId, int expected, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        IReadOnlyList<JsonElement> answers = [];
        while (!deadline.IsCancellationRequested)
        {
            using var response = await tracker.GetAsync($"/diagnostics/wiring-probes/{probeId}", deadline.Token);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var report = await response.Content.ReadFromJsonAsync<JsonElement>(deadline.Token);
                answers = report.GetProperty("answers").EnumerateArray().ToList();
                if (answers.Count >= expected)
                {
                    return answers;
                }
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), deadline.Token);
        }
        throw new TimeoutException($"Only {answers.Count} of {expected} services answered probe {probeId} within {timeout}.");
    }
}
