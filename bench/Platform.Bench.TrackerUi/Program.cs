// Usage: dotnet run -c Release --project bench/Platform.Bench.TrackerUi [-- --points 1000000 --runs 10000 --loads 5]
// Starts Redis (append-only), RabbitMQ and Azurite as local processes and the tracker as its own process, logs a run with
// two curves of --points steps each and --runs small runs through OTLP, then measures in headless Chromium (Debian's):
// (1) time to first chart of the long run, from the page's scripts loaded to its charts on screen;
// (2) the runs table: each page from request to rendered rows, and the API's answer alone;
// (3) each page's transferred weight without the API's data.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Playwright;
using Platform.Testing;
using Platform.Tracker.Tests;
using Conventions = Platform.Contracts.Telemetry.TrainingTelemetryConventions;

var points = IntOption("--points", 1_000_000);
var runCount = IntOption("--runs", 10_000);
var loads = IntOption("--loads", 5);
const int SpansPerBatch = 5000;

await using var servers = await LocalServers.StartAsync(blobs: true, messaging: true, redis: true);
var tracker = await ServiceHost.StartAsync("Platform.Tracker", servers.ServiceEnvironment());
Console.WriteLine($"Tracker at {tracker.Address}; {Environment.ProcessorCount} cores; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

// Many small runs first: the long run, logged last, is then in the tracker's memory as a run being watched is (a tracker
// that has not read it draws it from its stored overview first: docs/benchmarks.md, the tracker's benchmark).
// Spread over 20 experiments: parameters, three epochs of two metrics, a final accuracy.
var ingest = Stopwatch.StartNew();
var smallRuns = Enumerable.Range(0, runCount).Select(i => (Id: Guid.NewGuid(), Index: i)).ToList();
await SendAllAsync(smallRuns.Chunk(SpansPerBatch / 5).Select(chunk => OtlpRequests.Request([.. chunk.SelectMany(run => SmallRun(run.Id, run.Index))])));
Console.WriteLine($"Logged {runCount:N0} runs in {ingest.Elapsed.TotalSeconds:F1} s");

// The long run: train_loss and val_loss at every step (two curves of `points` points).
var longRun = Guid.NewGuid();
ingest.Restart();
await SendAllAsync(Enumerable.Range(0, (points + SpansPerBatch - 1) / SpansPerBatch).Select(chunk => OtlpRequests.Request(
    Enumerable.Range(chunk * SpansPerBatch, Math.Min(SpansPerBatch, points - chunk * SpansPerBatch)).Select(step => OtlpRequests.Epoch(longRun, step,
        [("train_loss", Math.Exp(-step / 200_000.0) + 0.05 * Math.Sin(step / 500.0)), ("val_loss", Math.Exp(-step / 250_000.0) + 0.1)])).ToArray())));
Console.WriteLine($"Logged 2 × {points:N0} points in {ingest.Elapsed.TotalSeconds:F1} s");

RepositoryPaths.RequireFile("/usr/bin/chromium", "run scripts/setup.sh to install Debian's chromium");
using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox"] });

// (1) Time to first chart: a fresh page each load (the browser cache off, so the scripts come over the wire every time).
var firstChart = new List<double>();
for (var i = 0; i < loads; i++)
{
    var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
    var page = await context.NewPageAsync();
    await page.GotoAsync(new Uri(tracker.Address, $"/run.html?id={longRun}").ToString());
    await page.WaitForFunctionAsync("() => performance.getEntriesByName('first-chart').length > 0", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
    firstChart.Add(await page.EvaluateAsync<double>("() => performance.getEntriesByName('first-chart')[0].startTime - performance.getEntriesByName('scripts-loaded')[0].startTime"));
    if (i == loads - 1)
    {
        // Where the time went on the last load: each API answer's time in the browser.
        Console.WriteLine("  API answers on the last load: " + await page.EvaluateAsync<string>(
            "() => performance.getEntriesByType('resource').filter(e => new URL(e.name).pathname.startsWith('/runs'))"
            + ".map(e => new URL(e.name).pathname.split('/').slice(-1)[0] + ' ' + e.duration.toFixed(0) + ' ms').join(', ')"));
    }
    await context.DisposeAsync();
}
Console.WriteLine($"Time to first chart ({points:N0} points per curve): " + string.Join(", ", firstChart.Select(t => t.ToString("F0", CultureInfo.InvariantCulture))) + " ms");

// (2) The runs table over every run: the first page, then next pages, a sort by a metric and a filter, each timed in the page
// (request to rendered rows) and at the API alone.
var table = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
await table.GotoAsync(new Uri(tracker.Address, "/index.html").ToString());
await table.WaitForFunctionAsync("() => document.getElementById('runs').dataset.loaded === '0'", null, new PageWaitForFunctionOptions { Timeout = 60_000 });
var nextPages = Math.Min(loads, runCount / 50);
for (var i = 1; i <= nextPages; i++)
{
    await table.Locator("#next").ClickAsync();
    await table.WaitForFunctionAsync($"() => document.getElementById('runs').dataset.loaded === '{i * 50}'");
}
await table.Locator("#runs thead button.sort[data-key='metrics.val_accuracy']").ClickAsync();
await table.WaitForFunctionAsync("() => performance.getEntriesByName('runs-page').length === " + (nextPages + 2));
var pageTimes = await table.EvaluateAsync<double[]>("() => performance.getEntriesByName('runs-page').map(m => m.duration)");
Console.WriteLine($"Runs table pages in the browser ({runCount + 1:N0} runs): " + string.Join(", ", pageTimes.Select(t => t.ToString("F0", CultureInfo.InvariantCulture))) + " ms");
var apiTimes = new List<double>();
foreach (var query in new[] { "offset=0", "offset=5000", "orderBy=metrics.val_accuracy%20desc", "filter=params.lr%20%3E%200.005", "groupBy=experiment&orderBy=params.lr" })
{
    for (var i = 0; i < loads; i++)
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await tracker.Client.GetAsync($"/runs/table?limit=50&{query}");
        await response.Content.ReadAsByteArrayAsync();
        response.EnsureSuccessStatusCode();
        apiTimes.Add(stopwatch.Elapsed.TotalMilliseconds);
    }
}
apiTimes.Sort();
Console.WriteLine($"GET /runs/table (5 kinds × {loads}): median {apiTimes[apiTimes.Count / 2]:F0} ms, max {apiTimes[^1]:F0} ms");

// (3) Page weight: everything a page transfers except the API's answers (the run's data, the runs), cache off.
var weights = new List<(string Page, long Bytes)>();
foreach (var path in new[] { "/index.html", $"/run.html?id={longRun}", $"/compare.html?ids={longRun},{smallRuns[0].Id}", "/models.html" })
{
    var context = await browser.NewContextAsync();
    var page = await context.NewPageAsync();
    long bytes = 0;
    page.RequestFinished += async (_, request) =>
    {
        var url = new Uri(request.Url).AbsolutePath;
        if (url.StartsWith("/runs", StringComparison.Ordinal) || url.StartsWith("/experiments", StringComparison.Ordinal) || url.StartsWith("/models", StringComparison.Ordinal))
        {
            return;
        }
        var sizes = await request.SizesAsync();
        Interlocked.Add(ref bytes, sizes.ResponseBodySize + sizes.ResponseHeadersSize);
    };
    await page.GotoAsync(new Uri(tracker.Address, path).ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle });
    weights.Add((path.Split('?')[0], Interlocked.Read(ref bytes)));
    await context.DisposeAsync();
}
Console.WriteLine("Page weight without data: " + string.Join(", ", weights.Select(w => $"{w.Page} {w.Bytes / 1024.0:F1} KB")));
await tracker.DisposeAsync();

Console.WriteLine();
Console.WriteLine("| Measure | Result | Goal |");
Console.WriteLine("|---|---|---|");
Console.WriteLine($"| time to first chart, run page of a run with 2 curves × {points:N0} points (scripts loaded → charts on screen), {loads} fresh loads | median {Median(firstChart):F0} ms (first {firstChart[0]:F0}, max {firstChart.Max():F0}) | ≤ 300 ms |");
Console.WriteLine($"| runs table of {runCount + 1:N0} runs, one page of 50 in the browser (request → rendered), first page, {nextPages} next pages, a sort | median {Median(pageTimes):F0} ms (max {pageTimes.Max():F0}) | ≤ 300 ms |");
Console.WriteLine($"| `GET /runs/table` alone (first page, a middle page, sorted by a metric, filtered, grouped) | median {apiTimes[apiTimes.Count / 2]:F0} ms (max {apiTimes[^1]:F0}) | — |");
foreach (var (page, bytes) in weights)
{
    Console.WriteLine($"| page weight of {page} without the API's data (transferred, cache off) | {bytes / 1024.0:F1} KB | ≤ 300 KB |");
}
return 0;

static IEnumerable<OtlpRequests.Span> SmallRun(Guid run, int index)
{
    var lr = 0.0005 * (1 + index % 20);
    yield return new OtlpRequests.Span(Conventions.StartedSpan, OtlpRequests.TraceId(run), OtlpRequests.SpanId(2), 1_700_000_000_000_000_000UL, 1_700_000_000_001_000_000UL,
        [(Conventions.RunId, run.ToString()), (Conventions.Experiment, $"bench-{index % 20:D2}"), (Conventions.ParamsPrefix + "lr", lr),
         (Conventions.ParamsPrefix + "optimizer.kind", index % 2 == 0 ? "adamw" : "sgd"), (Conventions.ParamsPrefix + "batch_size", (long)(32 << (index % 3)))]);
    for (var epoch = 0; epoch < 3; epoch++)
    {
        yield return OtlpRequests.Epoch(run, epoch, [("train_loss", 1.0 / (epoch + 1) + lr), ("val_accuracy", 0.5 + epoch * 0.1 + (index % 97) / 1000.0)]);
    }
    yield return new OtlpRequests.Span(Conventions.RunSpan, OtlpRequests.TraceId(run), OtlpRequests.SpanId(1), 1_700_000_000_000_000_000UL, 1_700_000_060_000_000_000UL,
        [(Conventions.RunId, run.ToString()), (Conventions.Experiment, $"bench-{index % 20:D2}")], StatusCode: 1,
        Events: [(Conventions.ResultEvent, 1_700_000_059_000_000_000UL, [(Conventions.Metric("test_accuracy"), 0.7 + (index % 89) / 1000.0)])]);
}

static double Median(IReadOnlyList<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}

async Task SendAllAsync(IEnumerable<byte[]> batches)
{
    using var queue = new System.Collections.Concurrent.BlockingCollection<byte[]>(boundedCapacity: 8);
    var producer = Task.Run(() =>
    {
        foreach (var batch in batches)
        {
            queue.Add(batch);
        }
        queue.CompleteAdding();
    });
    await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
    {
        foreach (var batch in queue.GetConsumingEnumerable())
        {
            using var content = new ByteArrayContent(batch);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            using var response = await tracker.Client.PostAsync("/v1/traces", content);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }
    })));
    await producer;
}

int IntOption(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
