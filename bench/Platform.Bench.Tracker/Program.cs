// Usage: dotnet run -c Release --project bench/Platform.Bench.Tracker [-- --points 1000000 --clients 4]
// Starts Redis (append-only), RabbitMQ and Azurite as local processes and the tracker as its own process, then measures
// (1) OTLP/HTTP ingest in curve points per second, for epoch-like spans with four metrics and for a one-metric curve
// of --points steps, and (2) the latency of the downsampled (LTTB, 1000 points) query of that curve.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Platform.Testing;
using Platform.Tracker.Tests;

var points = IntOption("--points", 1_000_000);
var clients = IntOption("--clients", 4);
const int SpansPerBatch = 5000;

await using var servers = await LocalServers.StartAsync(blobs: true, messaging: true, redis: true);
var tracker = await ServiceHost.StartAsync("Platform.Tracker", servers.ServiceEnvironment());
Console.WriteLine($"Tracker at {tracker.Address}; {Environment.ProcessorCount} cores; {clients} concurrent exporters; {SpansPerBatch} spans per request.");

// (1a) Epoch-like spans: four metrics each, many runs.
var epochRuns = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToArray();
var epochBatches = epochRuns.SelectMany(run => Enumerable.Range(0, 10).Select(chunk => OtlpRequests.Request(Enumerable.Range(chunk * 1000, 1000)
    .Select(step => OtlpRequests.Epoch(run, step, [("train_loss", 1.0 / (step + 1)), ("val_accuracy", 0.5 + step * 1e-5), ("lr", 1e-3), ("grad_norm", 2.0)]))
    .ToArray()))).ToList();
var epochSeconds = await SendAllAsync(epochBatches);
var epochPoints = epochRuns.Length * 10 * 1000 * 4;
Console.WriteLine($"Epoch spans (4 metrics): {epochPoints:N0} points in {epochSeconds:F2} s = {epochPoints / epochSeconds:N0} points/s");

// (1b) One long curve: one metric per span.
var curveRun = Guid.NewGuid();
var curveBatches = Enumerable.Range(0, (points + SpansPerBatch - 1) / SpansPerBatch).Select(chunk => OtlpRequests.Request(
    Enumerable.Range(chunk * SpansPerBatch, Math.Min(SpansPerBatch, points - chunk * SpansPerBatch))
        .Select(step => OtlpRequests.Epoch(curveRun, step, [("loss", Math.Exp(-step / 200_000.0) + 0.05 * Math.Sin(step / 500.0))])).ToArray())).ToList();
var curveSeconds = await SendAllAsync(curveBatches);
Console.WriteLine($"Curve spans (1 metric): {points:N0} points in {curveSeconds:F2} s = {points / curveSeconds:N0} points/s");

// (2) The downsampled query of the long curve. The tracker that ingested it keeps it current in memory; a tracker that
// did not (a restart, another replica) reads it from Redis once, then serves it from memory until it changes.
var path = $"/runs/{curveRun}/metrics/loss?maxPoints=1000";
var warm = await RepeatQueryAsync(path);
var full = await TimeQueryAsync($"/runs/{curveRun}/metrics/loss?full=true", points);
await tracker.DisposeAsync();
tracker = await ServiceHost.StartAsync("Platform.Tracker", servers.ServiceEnvironment());
using (await tracker.Client.GetAsync($"/runs/{curveRun}"))
{
    // The new process compiles its run endpoints here, not in the measured query.
}
var cold = await TimeQueryAsync(path, points);
var loading = Stopwatch.StartNew();
while (JsonDocument.Parse(await tracker.Client.GetStringAsync(path)).RootElement.GetProperty("wallTimes").GetArrayLength() == 0)
{
    await Task.Delay(100);
}
var loadSeconds = loading.Elapsed.TotalSeconds;
var afterCold = await RepeatQueryAsync(path);
await tracker.DisposeAsync();
Console.WriteLine($"{points:N0}-point curve, LTTB to 1000 points: median {warm.Median:F1} ms, p95 {warm.P95:F1} ms; full resolution {full:F0} ms; "
    + $"after a restart: first query (overview) {cold:F0} ms, whole curve in memory after {loadSeconds:F1} s, then median {afterCold.Median:F1} ms");

Console.WriteLine();
Console.WriteLine("| Measure | Result |");
Console.WriteLine("|---|---|");
Console.WriteLine($"| OTLP ingest, epoch spans with 4 metrics ({epochPoints:N0} points) | {epochPoints / epochSeconds:N0} points/s |");
Console.WriteLine($"| OTLP ingest, one metric per span ({points:N0} points) | {points / curveSeconds:N0} points/s |");
Console.WriteLine($"| {points:N0}-point curve downsampled to 1000 (LTTB), median / p95 of 30 queries | {warm.Median:F1} / {warm.P95:F1} ms |");
Console.WriteLine($"| same, first query after a tracker restart (drawn from the stored overview) | {cold:F0} ms |");
Console.WriteLine($"| same, time until the restarted tracker holds the whole curve (background read) | {loadSeconds:F1} s |");
Console.WriteLine($"| same, queries after that (median / p95 of 30) | {afterCold.Median:F1} / {afterCold.P95:F1} ms |");
Console.WriteLine($"| {points:N0}-point curve at full resolution (JSON) | {full:F0} ms |");
return 0;

async Task<double> SendAllAsync(IReadOnlyList<byte[]> batches)
{
    var next = -1;
    var stopwatch = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
    {
        int index;
        while ((index = Interlocked.Increment(ref next)) < batches.Count)
        {
            using var content = new ByteArrayContent(batches[index]);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            using var response = await tracker.Client.PostAsync("/v1/traces", content);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Batch {index}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
    }));
    return stopwatch.Elapsed.TotalSeconds;
}

async Task<(double Median, double P95)> RepeatQueryAsync(string query)
{
    var times = new List<double>();
    for (var i = 0; i < 30; i++)
    {
        times.Add(await TimeQueryAsync(query, points));
    }
    times.Sort();
    return (times[times.Count / 2], times[(int)(times.Count * 0.95)]);
}

async Task<double> TimeQueryAsync(string query, int expectedTotal)
{
    var stopwatch = Stopwatch.StartNew();
    using var response = await tracker.Client.GetAsync(query);
    var body = await response.Content.ReadAsStringAsync();
    var elapsed = stopwatch.Elapsed.TotalMilliseconds;
    var total = JsonDocument.Parse(body).RootElement.GetProperty("totalPoints").GetInt64();
    if (!response.IsSuccessStatusCode || total != expectedTotal)
    {
        throw new InvalidOperationException($"{query}: {(int)response.StatusCode}, {total} points instead of {expectedTotal}");
    }
    return elapsed;
}

int IntOption(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
