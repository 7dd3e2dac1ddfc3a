using System.Collections.Concurrent;
using System.Diagnostics;
using Platform.Testing;

/// <summary>
/// The service far beyond its capacity (<c>--overload SECONDS</c>): capacity is measured first (32 closed-loop clients for
/// 10 s), then requests arrive open-loop at <see cref="Factor"/> times that rate for the given time, as a flood of
/// independent users would send them. Reports every status code seen, the latency of the accepted requests, and the
/// service's resident memory before and at its peak (sampled every 250 ms from /proc).
/// </summary>
sealed class OverloadRun(ServiceHost service, string model, IReadOnlyList<byte[]> images)
{
    public const int Factor = 10;
    private const int MaxInFlight = 20_000;
    private const int Connections = 512;

    public async Task<string> RunAsync(TimeSpan duration)
    {
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Connections }) { BaseAddress = service.Address, Timeout = TimeSpan.FromSeconds(60) };
        var capacity = await CapacityAsync(client, TimeSpan.FromSeconds(10));
        var rate = capacity * Factor;
        var baseline = ResidentMiB();
        var peak = baseline;
        var statuses = new ConcurrentDictionary<string, int>();
        var accepted = new ConcurrentBag<double>();
        var inService = new ConcurrentBag<double>();
        var retryAfterMissing = 0;
        var inFlight = 0;
        var notSent = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, ResidentMiB());
                await Task.Delay(250);
            }
        });

        var requests = new List<Task>();
        var clock = Stopwatch.StartNew();
        long sent = 0;
        while (clock.Elapsed < duration)
        {
            // Open loop: as many requests as the arrival rate says should have been sent by now, whatever came back.
            var due = (long)(clock.Elapsed.TotalSeconds * rate);
            for (; sent < due; sent++)
            {
                if (Volatile.Read(ref inFlight) >= MaxInFlight)
                {
                    notSent++;
                    continue;
                }
                Interlocked.Increment(ref inFlight);
                var image = images[(int)(sent % images.Count)];
                requests.Add(Task.Run(async () =>
                {
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        using var content = new ByteArrayContent(image);
                        using var response = await client.PostAsync($"/models/{model}/predict?topK=1", content);
                        var body = await response.Content.ReadAsByteArrayAsync();
                        var code = (int)response.StatusCode;
                        statuses.AddOrUpdate(code.ToString(), 1, (_, n) => n + 1);
                        if (code == 200)
                        {
                            accepted.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                            inService.Add(System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("totalMs").GetDouble());
                        }
                        else if (code is 429 or 503 && response.Headers.RetryAfter is null)
                        {
                            Interlocked.Increment(ref retryAfterMissing);
                        }
                    }
                    catch (Exception exception)
                    {
                        statuses.AddOrUpdate(exception.GetType().Name, 1, (_, n) => n + 1);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref inFlight);
                    }
                }));
            }
            await Task.Delay(5);
        }
        await Task.WhenAll(requests);
        await sampling.CancelAsync();
        await sampler;
        using var health = await client.GetAsync("/health");

        var latencies = accepted.Order().ToList();
        var serviceLatencies = inService.Order().ToList();
        static double Of(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
        double Percentile(double p) => Of(latencies, p);
        var codes = string.Join(", ", statuses.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key}: {pair.Value}"));
        Console.WriteLine($"{model}: capacity {capacity:F0} req/s; {Factor}x = {rate:F0} req/s for {duration.TotalSeconds:F0} s: {sent} sent ({notSent} not sent, {MaxInFlight} in flight at most); "
            + $"answers {codes}; 429/503 without Retry-After: {retryAfterMissing}; accepted p50 {Percentile(0.5):F1} ms, p99 {Percentile(0.99):F1} ms as the client saw them "
            + $"(including its wait for one of {Connections} connections), inside the service p50 {Of(serviceLatencies, 0.5):F1} ms, p99 {Of(serviceLatencies, 0.99):F1} ms; "
            + $"service memory {baseline:F0} MiB before, {peak:F0} MiB at peak; health afterwards {(int)health.StatusCode}");
        return $"| {model} | {capacity:F0} | {rate:F0} | {duration.TotalSeconds:F0} | {sent} | {codes} | {retryAfterMissing} | {Percentile(0.5):F1} / {Percentile(0.99):F1} | {Of(serviceLatencies, 0.5):F1} / {Of(serviceLatencies, 0.99):F1} | {baseline:F0} → {peak:F0} | {(int)health.StatusCode} |";
    }

    private async Task<double> CapacityAsync(HttpClient client, TimeSpan within)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(within.TotalSeconds * Stopwatch.Frequency);
        var answered = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; Stopwatch.GetTimestamp() < deadline; i += 32)
            {
                using var content = new ByteArrayContent(images[i % images.Count]);
                using var response = await client.PostAsync($"/models/{model}/predict?topK=1", content);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref answered);
                }
            }
        })));
        return answered / clock.Elapsed.TotalSeconds;
    }

    private double ResidentMiB()
    {
        // VmRSS in /proc/<pid>/status, in kB.
        var line = File.ReadLines($"/proc/{service.ProcessId}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    }
}
