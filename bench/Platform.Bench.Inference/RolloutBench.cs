using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Net.Client;
using MassTransit;
using Platform.Contracts;
using Platform.Imaging;
using Platform.Imaging.Transforms;
using Platform.Inference.Protocol;
using Platform.Testing;

/// <summary>
/// The rollout benchmarks of the serving issue, one model at a time at a fixed number of clients: the Open Inference
/// Protocol over gRPC (ModelInfer, raw FP32 contents) against the same protocol over REST (JSON tensors) and against the
/// predict endpoint (encoded images), one image per request; a 90:10 split alias against a single version; and the
/// primary's p99 with a shadow against without. Each pair runs as alternating timed rounds (A, B, A, B, …) after an
/// untimed warm-up of each, so a shared machine's drift falls on both; the figure is the ratio of the rounds' medians.
/// <paramref name="parts"/> picks which run: <c>protocols</c> (gRPC and predict against REST v2), <c>split</c>, <c>shadow</c>.
/// </summary>
sealed class RolloutBench(ServiceHost service, IBus bus, int grpcPort, TimeSpan round, int rounds, int clients, IReadOnlySet<string> parts)
{
    public static readonly IReadOnlySet<string> AllParts = new HashSet<string> { "protocols", "split", "shadow" };

    private const string Single = "bench-single";
    private const string Split = "bench-split";
    private const string Shadowed = "bench-shadowed";

    public async Task<List<string>> RunAsync(BenchModel model, Guid secondRunId)
    {
        var pipeline = new TransformPipeline(model.Recipe);
        var tensors = model.Images.Select(bytes =>
        {
            var tensor = new float[pipeline.OutputLength];
            pipeline.Apply(ImageDecoder.Decode(bytes, new DecodeOptions(Channels: model.Recipe.Channels)), tensor);
            return tensor;
        }).ToList();
        long[] shape = [1, pipeline.OutputChannels, pipeline.OutputHeight, pipeline.OutputWidth];

        await RouteAsync(model, Single, [(1, model.RunId, 100)], shadow: null);
        await RouteAsync(model, Split, [(1, model.RunId, 90), (2, secondRunId, 10)], shadow: null);

        using var http = new HttpClient { BaseAddress = service.Address, Timeout = TimeSpan.FromMinutes(1) };
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}");
        var grpc = new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        var grpcRequests = tensors.Select(tensor =>
        {
            var request = new ModelInferRequest { ModelName = model.Name };
            request.Inputs.Add(new ModelInferRequest.Types.InferInputTensor { Name = "input", Datatype = "FP32", Shape = { shape } });
            request.RawInputContents.Add(ByteString.CopyFrom(MemoryMarshal.AsBytes(tensor.AsSpan())));
            return request;
        }).ToList();
        var restBodies = tensors.Select(tensor => JsonContent.Create(new { inputs = new[] { new { name = "input", shape, datatype = "FP32", data = tensor } } }))
            .Select(content => content.ReadAsByteArrayAsync().GetAwaiter().GetResult()).ToList();

        async Task<bool> Grpc(int i)
        {
            var answer = await grpc.ModelInferAsync(grpcRequests[i % grpcRequests.Count]);
            return answer.RawOutputContents.Count == 1;
        }
        async Task<bool> RestTensor(int i)
        {
            using var content = new ByteArrayContent(restBodies[i % restBodies.Count]);
            content.Headers.ContentType = new("application/json");
            using var response = await http.PostAsync($"/v2/models/{model.Name}/infer", content);
            await response.Content.ReadAsByteArrayAsync();
            return response.IsSuccessStatusCode;
        }
        Func<int, Task<bool>> Predict(string alias) => async i =>
        {
            using var content = new ByteArrayContent(model.Images[i % model.Images.Count]);
            using var response = await http.PostAsync($"/models/{model.Name}/predict?alias={alias}&topK=1", content);
            await response.Content.ReadAsByteArrayAsync();
            return response.IsSuccessStatusCode;
        };

        var rows = new List<string>();
        if (parts.Contains("protocols"))
        {
            // The unversioned v2 and gRPC routes serve the production alias (version 1 here), like predict?alias=production.
            var (rest, overGrpc) = await CompareAsync(RestTensor, Grpc);
            var (_, restPredict) = await CompareAsync(RestTensor, Predict("production"));
            rows.Add(Row(model, "gRPC ModelInfer (raw FP32) vs REST v2 infer (JSON FP32)", rest, overGrpc, "gRPC ≥ REST (≥ 1.00)", throughput: true));
            rows.Add(Row(model, "REST predict (encoded image) vs REST v2 infer (JSON FP32)", rest, restPredict, "(context)", throughput: true));
        }
        if (parts.Contains("split"))
        {
            var (single, split) = await CompareAsync(Predict(Single), Predict(Split));
            rows.Add(Row(model, "split 90:10 (v1, v2) vs single version", single, split, "≥ 0.97", throughput: true));
        }
        if (!parts.Contains("shadow"))
        {
            return rows;
        }

        // Shadow on and off are one alias re-routed between the rounds, as an operator would do it.
        var off = new List<Measurement>();
        var on = new List<Measurement>();
        var shadowLoad = Predict(Shadowed);
        for (var r = 0; r <= rounds; r++)
        {
            await RouteAsync(model, Shadowed, [(1, model.RunId, 100)], shadow: null);
            var a = await LoadAsync(shadowLoad, timed: r > 0);
            await RouteAsync(model, Shadowed, [(1, model.RunId, 100)], shadow: (2, secondRunId));
            var b = await LoadAsync(shadowLoad, timed: r > 0);
            if (r > 0)
            {
                off.Add(a);
                on.Add(b);
            }
        }
        // How much shadow work ran: the images the shadow compared and the requests shed, over all rounds with it on (warm-up included).
        var status = await http.GetFromJsonAsync<JsonElement>("/status");
        var pair = status.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == model.Name)
            .GetProperty("shadows").EnumerateArray().Single(s => s.GetProperty("alias").GetString() == Shadowed);
        rows.Add(Row(model, "primary p99 with shadow v2 vs without (predict)", Summary.Of(off), Summary.Of(on), "≤ +10 % (≤ 1.10)", throughput: false,
            $"; shadow compared {pair.GetProperty("compared").GetInt64()}, shed {pair.GetProperty("shed").GetInt64()}"));
        return rows;
    }

    private async Task<(Summary A, Summary B)> CompareAsync(Func<int, Task<bool>> a, Func<int, Task<bool>> b)
    {
        await LoadAsync(a, timed: false);
        await LoadAsync(b, timed: false);
        var first = new List<Measurement>();
        var second = new List<Measurement>();
        for (var r = 0; r < rounds; r++)
        {
            first.Add(await LoadAsync(a, timed: true));
            second.Add(await LoadAsync(b, timed: true));
        }
        return (Summary.Of(first), Summary.Of(second));
    }

    private static string Row(BenchModel model, string what, Summary a, Summary b, string goal, bool throughput, string more = "") =>
        throughput
            ? $"| {model.Name} | {what} | {a.Throughput:F0} req/s ({a.ThroughputRange}) | {b.Throughput:F0} req/s ({b.ThroughputRange}) | **{b.Throughput / a.Throughput:F3}** | p99 {a.P99:F1} → {b.P99:F1} ms{more} | {goal} |"
            : $"| {model.Name} | {what} | p99 {a.P99:F1} ms ({a.P99Range}) | p99 {b.P99:F1} ms ({b.P99Range}) | **{b.P99 / a.P99:F3}** | {a.Throughput:F0} → {b.Throughput:F0} req/s{more} | {goal} |";

    /// <summary><c>clients</c> clients sending requests back to back for one round (a quarter of one when not timed: warm-up).</summary>
    private async Task<Measurement> LoadAsync(Func<int, Task<bool>> send, bool timed)
    {
        var limit = timed ? round : round / 4;
        var next = -1;
        var failed = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        var wall = Stopwatch.StartNew();
        var latencies = await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            var mine = new List<double>();
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var i = Interlocked.Increment(ref next);
                var started = Stopwatch.GetTimestamp();
                if (await send(i))
                {
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                else
                {
                    Interlocked.Increment(ref failed);
                }
            }
            return mine;
        })));
        var seconds = wall.Elapsed.TotalSeconds;
        var ok = latencies.SelectMany(l => l).Order().ToList();
        if (timed && failed > 0)
        {
            Console.WriteLine($"  ({failed} requests failed in a round)");
        }
        return new Measurement(ok.Count / seconds, ok.Count == 0 ? double.NaN : ok[Math.Min(ok.Count - 1, (int)Math.Ceiling(0.99 * ok.Count) - 1)]);
    }

    private async Task RouteAsync(BenchModel model, string alias, (int Version, Guid RunId, int Weight)[] shares, (int Version, Guid RunId)? shadow)
    {
        var primary = shares.OrderByDescending(s => s.Weight).First();
        await bus.Publish(new ModelPromoted(model.Name, primary.Version, alias, primary.RunId, "", DateTimeOffset.UtcNow,
            shares.Length > 1 ? [.. shares.Select(s => new TrafficShare(s.Version, s.RunId, s.Weight))] : null,
            shadow is { } s ? new ShadowVersion(s.Version, s.RunId) : null));
        var expected = string.Join(",", shares.Select(s => $"{s.Version}:{s.Weight}")) + $"|{shadow?.Version}";
        await service.PollAsync("/status", status => status.GetProperty("models").EnumerateArray().Any(m =>
            m.GetProperty("name").GetString() == model.Name
            && m.GetProperty("routes").TryGetProperty(alias, out var route)
            && string.Join(",", route.GetProperty("versions").EnumerateArray().Select(v => $"{v.GetProperty("version").GetInt32()}:{v.GetProperty("weight").GetInt32()}"))
               + $"|{(route.GetProperty("shadow").ValueKind == JsonValueKind.Number ? route.GetProperty("shadow").GetInt32() : null)}" == expected), TimeSpan.FromMinutes(2));
    }

    private sealed record Measurement(double Throughput, double P99);

    private sealed record Summary(double Throughput, double P99, string ThroughputRange, string P99Range)
    {
        public static Summary Of(List<Measurement> rounds)
        {
            static double Median(IEnumerable<double> values)
            {
                var sorted = values.Order().ToList();
                return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
            }
            return new Summary(Median(rounds.Select(r => r.Throughput)), Median(rounds.Select(r => r.P99)),
                $"{rounds.Min(r => r.Throughput):F0}–{rounds.Max(r => r.Throughput):F0}", $"{rounds.Min(r => r.P99):F1}–{rounds.Max(r => r.P99):F1}");
        }
    }
}
