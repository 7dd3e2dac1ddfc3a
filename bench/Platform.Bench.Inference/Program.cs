// Usage: dotnet run -c Release --project bench/Platform.Bench.Inference [-- --seconds 20] [--models resnet18,small-cnn] [--clients 1,8,32]
//        [--service-setting Inference:Models:small-cnn:ConcurrentBatches=2 ...] (any number: configuration the service starts with)
//        [--overload 60] (instead of the load steps: each model at 10x its measured capacity for that many seconds; see OverloadRun)
//        [--rollouts 8 [--rounds 3] [--rollout-clients 32] [--rollout-parts protocols,split,shadow]] (instead of the load steps:
//        gRPC vs REST, split vs single, shadow p99, in alternating rounds of that many seconds; see RolloutBench)
//        [--idle-gc-probe 8] (alone: garbage collections with and without a managed thread at idle priority; see IdleGcProbe)
// Starts Azurite and RabbitMQ as local processes and the inference service as its own process; builds ResNet18 (224², 10 classes,
// random weights: throughput does not depend on them) and the small CNN (28² gray), exports both with the project's exporter, writes
// them as model packages and promotes them. Then, per model: raw in-process ONNX Runtime (the service's session options:
// the same OnnxSessionFactory, CPU provider: ORT_ENABLE_ALL, sequential, one intra-op thread per core; once with idle threads spinning, as ORT and the service do by default,
// once without; the faster is the anchor) single-image latency and batch-32 throughput on preprocessed tensors, and the service's
// throughput, p50/p99 latency, its own timing per answer (time inside the service, ORT call) and CPU time per image at 1, 8 and 32
// concurrent clients posting encoded images over loopback. Each load step is bounded by a request count and by --seconds. CPU time
// per image (process CPU time over images) is the figure that the load of other processes on a shared machine disturbs least.
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Blobs;
using MassTransit;
using Microsoft.ML.OnnxRuntime;
using Platform.Contracts;
using Platform.Contracts.ModelPackages;
using Platform.Export.Onnx;
using Platform.Imaging;
using Platform.Imaging.Transforms;
using Platform.OnnxRuntime;
using Platform.Testing;
using Platform.Training.Models;
using Platform.Imaging.Formats;
using Platform.Imaging.Formats.Data;
using Platform.Imaging.Formats.Recipes;
using Platform.Training.Configuration.Architectures;

var seconds = args.SkipWhile(a => a != "--seconds").Skip(1).Select(int.Parse).FirstOrDefault(20);
var onlyModels = args.SkipWhile(a => a != "--models").Skip(1).Select(v => v.Split(',')).FirstOrDefault();
var clientCounts = args.SkipWhile(a => a != "--clients").Skip(1).Select(v => v.Split(',').Select(int.Parse).ToArray()).FirstOrDefault([1, 8, 32]);
var threads = Environment.ProcessorCount;
var serviceSettings = args.Select((arg, i) => (arg, i)).Where(a => a.arg == "--service-setting" && a.i + 1 < args.Length)
    .Select(a => args[a.i + 1].Split('=', 2)).GroupBy(pair => pair[0].Replace(":", "__")).ToDictionary(g => g.Key, g => (string?)g.Last().ElementAtOrDefault(1));

if (args.SkipWhile(a => a != "--idle-gc-probe").Skip(1).Select(int.Parse).FirstOrDefault(0) is > 0 and var probeSeconds)
{
    IdleGcProbe.Run(TimeSpan.FromSeconds(probeSeconds));
    return;
}

await using var servers = await LocalServers.StartAsync(blobs: true, messaging: true);
var blobs = new BlobServiceClient(servers.BlobConnectionString);
var bus = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(new Uri(servers.MessagingConnectionString!)));
await bus.StartAsync();

var fashion = IdxDataset.Open(Path.Combine(RepositoryPaths.FashionMnistFolder, "t10k-images-idx3-ubyte.gz"),
    Path.Combine(RepositoryPaths.FashionMnistFolder, "t10k-labels-idx1-ubyte.gz"), IdxDataset.FashionMnistClasses);
var photos = Directory.GetFiles(RepositoryPaths.RequireFolder(Path.Combine(RepositoryPaths.Data, "art4apps", "animals"), "run scripts/setup.sh"), "*.jpg")
    .Order().Take(64).Select(File.ReadAllBytes).ToList();

var models = new[]
{
    new BenchModel("resnet18", "resnet18", TransformRecipe.Eval(224, TransformRecipe.ImageNetMean, TransformRecipe.ImageNetStd), photos, 600, 480, 960),
    new BenchModel("small-cnn", "small_cnn", TransformRecipe.Eval(28, [0.286f], [0.353f], channels: 1, resizeShorterSide: 28),
        [.. Enumerable.Range(9000, 64).Select(i => ImageEncoder.Encode(fashion.Load(i), ImageFormat.Png))], 5000, 10000, 20000),
}.Where(m => onlyModels is null || onlyModels.Contains(m.Name)).ToArray();
foreach (var model in models)
{
    await WritePackageAsync(model);
}

var serviceEnvironment = new Dictionary<string, string?>(servers.ServiceEnvironment());
var grpcPort = FreePort.Next();
serviceEnvironment["Inference__GrpcPort"] = grpcPort.ToString();
foreach (var (key, value) in serviceSettings)
{
    serviceEnvironment[key] = value;
}
var service = await ServiceHost.StartAsync("Platform.Inference", serviceEnvironment);
var status = await service.Client.GetFromJsonAsync<JsonElement>("/status");
Console.WriteLine($"Inference at {service.Address}; {threads} cores; provider {status.GetProperty("provider").GetString()}; ONNX Runtime {status.GetProperty("onnxRuntimeVersion").GetString()}; "
    + $"settings: {(serviceSettings.Count == 0 ? "defaults" : string.Join(", ", serviceSettings.Select(pair => $"{pair.Key}={pair.Value}")))}");
for (var version = 0; version < models.Length; version++)
{
    var model = models[version];
    await bus.Publish(new ModelPromoted(model.Name, 1, "production", model.RunId, "", DateTimeOffset.UtcNow));
}
await service.PollAsync("/status", s => s.GetProperty("models").GetArrayLength() == models.Length
    && s.GetProperty("models").EnumerateArray().All(m => m.GetProperty("aliases").TryGetProperty("production", out _)), TimeSpan.FromMinutes(2));

if (args.SkipWhile(a => a != "--rollouts").Skip(1).Select(int.Parse).FirstOrDefault(0) is > 0 and var roundSeconds)
{
    var rounds = args.SkipWhile(a => a != "--rounds").Skip(1).Select(int.Parse).FirstOrDefault(3);
    var rolloutClients = args.SkipWhile(a => a != "--rollout-clients").Skip(1).Select(int.Parse).FirstOrDefault(32);
    var rolloutParts = args.SkipWhile(a => a != "--rollout-parts").Skip(1).Select(v => (IReadOnlySet<string>)v.Split(',').ToHashSet()).FirstOrDefault(RolloutBench.AllParts);
    if (rolloutParts.Except(RolloutBench.AllParts).ToList() is [_, ..] unknown)
    {
        throw new ArgumentException($"Unknown --rollout-parts {string.Join(", ", unknown)}; the parts are {string.Join(", ", RolloutBench.AllParts)}.");
    }
    var rollout = new RolloutBench(service, bus, grpcPort, TimeSpan.FromSeconds(roundSeconds), rounds, rolloutClients, rolloutParts);
    var rolloutRows = new List<string>();
    foreach (var model in models)
    {
        // A second version of the same network (a package of its own): the split's and the shadow's other version.
        var second = Guid.NewGuid();
        await WritePackageAsync(model, second);
        var modelRows = await rollout.RunAsync(model, second);
        rolloutRows.AddRange(modelRows);
        Console.WriteLine(string.Join(Environment.NewLine, modelRows));
    }
    await service.DisposeAsync();
    await bus.StopAsync();
    Console.WriteLine();
    Console.WriteLine($"{rolloutClients} clients, {rounds} timed rounds of {roundSeconds} s per side, alternating; medians of the rounds (range in brackets)");
    Console.WriteLine("| Model | Comparison | A | B | B / A | other figure | Goal |");
    Console.WriteLine("|---|---|---|---|---|---|---|");
    rolloutRows.ForEach(Console.WriteLine);
    return;
}

if (args.SkipWhile(a => a != "--overload").Skip(1).Select(int.Parse).FirstOrDefault(0) is > 0 and var overloadSeconds)
{
    var overloadRows = new List<string>();
    foreach (var model in models)
    {
        overloadRows.Add(await new OverloadRun(service, model.Name, model.Images).RunAsync(TimeSpan.FromSeconds(overloadSeconds)));
    }
    await service.DisposeAsync();
    await bus.StopAsync();
    Console.WriteLine();
    Console.WriteLine("| Model | Capacity req/s | Offered req/s | Seconds | Sent | Answers | 429/503 without Retry-After | Accepted p50 / p99 ms (client) | Accepted p50 / p99 ms (in service) | Service RSS MiB (before → peak) | /health after |");
    Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
    overloadRows.ForEach(Console.WriteLine);
    return;
}

var rows = new List<string>();
foreach (var model in models)
{
    foreach (var (clients, requests) in new[] { (1, model.Requests1), (8, model.Requests8), (32, model.Requests32) }.Where(step => clientCounts.Contains(step.Item1)))
    {
        // Raw ONNX Runtime right before each timed load step (after its warm-up), so both see the same (shared, noisy) machine.
        (double SingleMs, double BatchThroughput, double BatchCpuMs) spinning = default, quiet = default;
        var load = await LoadAsync(service, model, clients, requests, TimeSpan.FromSeconds(seconds), beforeTimedStep: () =>
        {
            spinning = RawOnnxRuntime(model, spinning: true);
            quiet = RawOnnxRuntime(model, spinning: false);
        });
        var rawSingleMs = Math.Min(spinning.SingleMs, quiet.SingleMs);
        var rawBatchThroughput = Math.Max(spinning.BatchThroughput, quiet.BatchThroughput);
        var ratio = load.Throughput / rawBatchThroughput;
        Console.WriteLine($"{model.Name}: raw ORT b1 {spinning.SingleMs:F2}/{quiet.SingleMs:F2} ms, b32 {spinning.BatchThroughput:F1}/{quiet.BatchThroughput:F1} img/s "
            + $"(spinning/not), CPU {quiet.BatchCpuMs:F3} ms/img without spinning; service {clients,2} clients, {load.Completed} requests ({load.Failed} failed): "
            + $"{load.Throughput:F1} img/s ({ratio:P0} of raw b32), p50 {load.P50:F2} ms (raw b1 + {load.P50 - rawSingleMs:F2} ms), p99 {load.P99:F2} ms, "
            + $"mean batch {load.MeanBatch:F1}, CPU {load.ServiceCpuMs:F3} ms/img in the service and {load.ClientCpuMs:F3} in the load generator; "
            + $"medians inside the service: handling {load.ServerMedianMs:F2} ms, queue {load.QueueMedianMs:F2} ms, ORT call {load.InferenceMedianMs:F2} ms");
        rows.Add($"| {model.Name} | {clients} | {rawSingleMs:F2} | {rawBatchThroughput:F1} | {quiet.BatchCpuMs:F3} | {load.Completed} ({load.Failed}) | {load.Throughput:F1} | {ratio:F2} "
            + $"| {load.P50:F2} | {load.P99:F2} | {load.ServerMedianMs:F2} | {load.InferenceMedianMs:F2} | {load.MeanBatch:F1} | {load.ServiceCpuMs:F3} | {load.ClientCpuMs:F3} |");
    }
}
await service.DisposeAsync();
await bus.StopAsync();

Console.WriteLine();
Console.WriteLine("| Model | Clients | Raw ORT b1 ms | Raw ORT b32 img/s | Raw ORT b32 CPU ms/img | Requests (failed) | Service img/s | Service / raw b32 | p50 ms | p99 ms "
    + "| In service p50 ms | ORT call p50 ms | Mean batch | Service CPU ms/img | Client CPU ms/img |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
rows.ForEach(Console.WriteLine);

async Task WritePackageAsync(BenchModel model, Guid? runId = null)
{
    var run = runId ?? model.RunId;
    using var classifier = ModelRegistry.Create(model.Architecture, new ModelOptions(NumClasses: 10, InputChannels: model.Recipe.Channels, ImageSize: model.Recipe.Size));
    classifier.eval();
    var labels = Enumerable.Range(0, 10).Select(i => $"class-{i}").ToList();
    model.Onnx = OnnxExporter.ExportToBytes(classifier, new OnnxModelMetadata(model.Architecture, labels, model.Recipe));
    var container = blobs.GetBlobContainerClient(StorageLayout.ModelsContainer);
    await container.CreateIfNotExistsAsync();
    var files = new Dictionary<string, BinaryData>
    {
        [ModelPackageLayout.ModelFile] = BinaryData.FromBytes(model.Onnx),
        [ModelPackageLayout.LabelsFile] = BinaryData.FromObjectAsJson(labels),
        [ModelPackageLayout.PreprocessingFile] = BinaryData.FromString(model.Recipe.ToJson()),
    };
    foreach (var (name, content) in files)
    {
        await container.GetBlobClient(StorageLayout.ModelPackageFile(model.Name, run, name)).UploadAsync(content, overwrite: true);
    }
    // Untrained and never through the parity gate: no dataset, no accuracy, no images compared.
    var index = new ModelPackageIndex(run, model.Name, model.Architecture, labels, [.. files.Keys], new ModelPackageDataset("none", 0), 0,
        new ModelPackageParity(0, 0, 0, "none"), DateTimeOffset.UtcNow);
    await container.GetBlobClient(StorageLayout.ModelPackageFile(model.Name, run, ModelPackageLayout.IndexFile)).UploadAsync(BinaryData.FromString(index.ToJson()), overwrite: true);
}

(double SingleMs, double BatchThroughput, double BatchCpuMs) RawOnnxRuntime(BenchModel model, bool spinning)
{
    using var onnx = new OnnxSessionFactory(new OnnxSessionOptions(PreferCuda: false, IntraOpThreads: threads, AllowSpinning: spinning)).Create(model.Onnx);
    var session = onnx.InferenceSession;
    var pipeline = new TransformPipeline(model.Recipe);
    var tensors = model.Images.Select(bytes =>
    {
        var tensor = new float[pipeline.OutputLength];
        pipeline.Apply(ImageDecoder.Decode(bytes, new DecodeOptions(Channels: model.Recipe.Channels)), tensor);
        return tensor;
    }).ToList();
    var input = onnx.InputName;
    var output = onnx.OutputName;
    double Run(int batch, int offset)
    {
        var data = new float[batch * pipeline.OutputLength];
        for (var i = 0; i < batch; i++)
        {
            tensors[(offset + i) % tensors.Count].CopyTo(data, i * pipeline.OutputLength);
        }
        var started = Stopwatch.GetTimestamp();
        using var value = OrtValue.CreateTensorValueFromMemory(data, [batch, pipeline.OutputChannels, pipeline.OutputHeight, pipeline.OutputWidth]);
        using var outputs = session.Run(new RunOptions(), [input], [value], [output]);
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
    var singleRuns = model.Requests1 / 2;
    for (var i = 0; i < 5; i++)
    {
        Run(1, i);
    }
    var singles = Enumerable.Range(0, singleRuns).Select(i => Run(1, i)).Order().ToList();
    Run(32, 0);
    var batches = Math.Max(3, model.Requests32 / 32 / 2);
    var cpuBefore = Environment.CpuUsage.TotalTime;
    var batchMs = Enumerable.Range(0, batches).Select(i => Run(32, i * 32)).Order().ToList();
    var cpuMs = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds / (batches * 32);
    return (singles[singles.Count / 2], 32 / (batchMs[batchMs.Count / 2] / 1000), cpuMs);
}

async Task<LoadResult> LoadAsync(ServiceHost host, BenchModel model, int clients, int requests, TimeSpan limit, Action beforeTimedStep)
{
    using var client = new HttpClient { BaseAddress = host.Address, Timeout = TimeSpan.FromMinutes(1) };
    async Task<Answer> PostAsync(int i)
    {
        using var content = new ByteArrayContent(model.Images[i % model.Images.Count]);
        var started = Stopwatch.GetTimestamp();
        using var response = await client.PostAsync($"/models/{model.Name}/predict?topK=1", content);
        var body = await response.Content.ReadAsStringAsync();
        var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            return new Answer(false, ms, 0, 0, 0, 0);
        }
        var answer = JsonDocument.Parse(body).RootElement;
        var result = answer.GetProperty("results")[0];
        return new Answer(true, ms, result.GetProperty("batchSize").GetInt32(), answer.GetProperty("totalMs").GetDouble(),
            result.GetProperty("queueMs").GetDouble(), result.GetProperty("inferenceMs").GetDouble());
    }
    // Untimed warm-up with the same load (a quarter of the step's requests): until the JIT has tiered up the request path, a
    // fresh service spends a quarter of its CPU compiling, which says nothing about the throughput it sustains.
    await RunClientsAsync(requests / 4, limit / 4);
    beforeTimedStep();
    // The anchor allocates hundreds of megabytes of tensors; collecting them now keeps that work out of the timed step.
    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    var serviceCpuBefore = ServiceCpu();
    var clientCpuBefore = Environment.CpuUsage.TotalTime;
    var wall = Stopwatch.StartNew();
    var results = await RunClientsAsync(requests, limit);
    var seconds = wall.Elapsed.TotalSeconds;
    var serviceCpuMs = (ServiceCpu() - serviceCpuBefore).TotalMilliseconds;
    var clientCpuMs = (Environment.CpuUsage.TotalTime - clientCpuBefore).TotalMilliseconds;
    var all = results.SelectMany(r => r).ToList();
    var answered = all.Where(r => r.Ok).ToList();
    var ok = answered.Select(r => r.Ms).Order().ToList();
    double Median(Func<Answer, double> part) => Percentile(answered.Select(part).Order().ToList(), 0.50);
    return new LoadResult(ok.Count, all.Count - ok.Count, ok.Count / seconds, Percentile(ok, 0.50), Percentile(ok, 0.99),
        answered.Select(r => (double)r.Batch).DefaultIfEmpty(0).Average(), serviceCpuMs / all.Count, clientCpuMs / all.Count,
        Median(r => r.ServerMs), Median(r => r.QueueMs), Median(r => r.InferenceMs));

    async Task<List<Answer>[]> RunClientsAsync(int count, TimeSpan within)
    {
        var next = -1;
        var deadline = Stopwatch.GetTimestamp() + (long)(within.TotalSeconds * Stopwatch.Frequency);
        return await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            var mine = new List<Answer>();
            int i;
            while ((i = Interlocked.Increment(ref next)) < count && Stopwatch.GetTimestamp() < deadline)
            {
                mine.Add(await PostAsync(i));
            }
            return mine;
        })));
    }

    TimeSpan ServiceCpu()
    {
        using var process = Process.GetProcessById(host.ProcessId);
        return process.TotalProcessorTime;
    }
}

static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

/// <summary>One request as the client saw it, with the service's own timing: its whole handling, the image's wait in the queue and its batch's ONNX Runtime call.</summary>
sealed record Answer(bool Ok, double Ms, int Batch, double ServerMs, double QueueMs, double InferenceMs);

sealed record LoadResult(int Completed, int Failed, double Throughput, double P50, double P99, double MeanBatch, double ServiceCpuMs, double ClientCpuMs,
    double ServerMedianMs, double QueueMedianMs, double InferenceMedianMs);

sealed class BenchModel(string name, string architecture, TransformRecipe recipe, List<byte[]> images, int requests1, int requests8, int requests32)
{
    public string Name { get; } = name;
    public string Architecture { get; } = architecture;
    public TransformRecipe Recipe { get; } = recipe;
    public List<byte[]> Images { get; } = images;
    public int Requests1 { get; } = requests1;
    public int Requests8 { get; } = requests8;
    public int Requests32 { get; } = requests32;
    public Guid RunId { get; } = Guid.NewGuid();
    public byte[] Onnx { get; set; } = [];
}
