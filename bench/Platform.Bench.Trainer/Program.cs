using System.Text.Json;
using Azure.Storage.Blobs;
using MassTransit;
using Platform.Contracts;
using Platform.Contracts.ModelPackages;
using Platform.Imaging.Data;
using Platform.Testing;
using Platform.Training.Configuration;
using Platform.Training.Engine;
using Platform.Imaging.Formats.Data;

// The trainer service (its own process, dataset from blob storage, checkpoints to blob, telemetry on) against the
// engine's bare in-memory training loop: same model, batch and data, measured in one run.
// Usage: dotnet run -c Release --project bench/Platform.Bench.Trainer [-- epochs] [--defaults]
// --defaults leaves threads and loaderWorkers at their defaults (the engine then chooses the threads from what the loader
// needs), as a new user would; without it both run with 1 torch thread and 1 loader worker.
// Build the service first in the same configuration: dotnet build -c Release services/Trainer (the benchmark runs
// artifacts/bin/Platform.Trainer/release).
// sweep [--trials 12] [--epochs 9] [--train 1000] [--validation 1000] [--seed 7] [--grace 1] [--reduction-factor 3] [--parallelism 2]: a random
// sweep in full and under ASHA through the tracker and one trainer per parallel trial (SweepBenchmark; build services/Tracker in the
// same configuration too).
if (args.FirstOrDefault() == "sweep")
{
    return await Platform.Bench.Trainer.SweepBenchmark.RunAsync(args[1..]);
}
var defaults = args.Contains("--defaults");
var epochs = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) is { } epochText ? int.Parse(epochText) : 4;
const int trainImages = 8000, validationImages = 1000;
var configJson = $$"""
    { "architecture": "small_cnn", "imageSize": 28, "inputChannels": 1, "epochs": {{epochs}}, "batchSize": 128, "lr": 0.003,
      "optimizer": { "kind": "adamw" }, "augmentation": { "preset": "none" }, {{(defaults ? "" : "\"threads\": 1, \"loaderWorkers\": 1, ")}}"seed": 1 }
    """;

// 1. The bare loop: in-memory IDX subset, no checkpoints, no observer.
var idx = IdxDataset.Open(Path.Combine(RepositoryPaths.FashionMnistFolder, "t10k-images-idx3-ubyte.gz"),
    Path.Combine(RepositoryPaths.FashionMnistFolder, "t10k-labels-idx1-ubyte.gz"), IdxDataset.FashionMnistClasses);
var config = TrainingConfig.FromJson(configJson) with { Augmentation = TrainingConfig.FromJson(configJson).Augmentation with { Mean = [0.286f], Std = [0.353f] } };
var bare = new Trainer(config).Run(
    new SubsetSource(idx, Enumerable.Range(0, trainImages).ToArray()),
    new SubsetSource(idx, Enumerable.Range(trainImages, validationImages).ToArray()));
var bareRates = bare.Report.History.Select(e => e.ImagesPerSecond).ToList();
var bareThreads = bare.Report.History[^1].Threads;
bare.Dispose();

// 2. The service: the same images published to Azurite, one TrainModel, the rates from the package's history.
await using var servers = await LocalServers.StartAsync(blobs: true, messaging: true);
var blobs = new BlobServiceClient(servers.BlobConnectionString);
await DatasetSeeder.PublishFashionMnistAsync(blobs, "bench", 1, trainImages, validationImages);
var trained = new TaskCompletionSource<ModelTrained>(TaskCreationOptions.RunContinuationsAsynchronously);
var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
{
    rabbit.Host(new Uri(servers.MessagingConnectionString!));
    rabbit.ReceiveEndpoint("bench-events", endpoint =>
    {
        endpoint.Handler<ModelTrained>(context => Task.FromResult(trained.TrySetResult(context.Message)));
        endpoint.Handler<Platform.Contracts.RunFailed>(context => Task.FromResult(trained.TrySetException(new InvalidOperationException($"{context.Message.Reason}: {context.Message.Detail}"))));
    });
});
await bus.StartAsync();
await using (var trainer = await ServiceHost.StartAsync("Platform.Trainer", servers.ServiceEnvironment(), TimeSpan.FromMinutes(2)))
{
    var runId = Guid.NewGuid();
    await bus.Publish(new TrainModel(runId, "bench", "bench", 1, "bench-cnn", configJson, DateTimeOffset.UtcNow));
    await trained.Task.WaitAsync(TimeSpan.FromMinutes(30));
    var metrics = JsonDocument.Parse((await blobs.GetBlobContainerClient(StorageLayout.ModelsContainer)
        .GetBlobClient(StorageLayout.ModelPackageFile("bench-cnn", runId, ModelPackageLayout.MetricsFile)).DownloadContentAsync()).Value.Content.ToString()).RootElement;
    var serviceRates = metrics.GetProperty("history").EnumerateArray().Select(e => e.GetProperty("imagesPerSecond").GetDouble()).ToList();
    var serviceThreads = metrics.GetProperty("history").EnumerateArray().Last().TryGetProperty("threads", out var threadsElement) ? threadsElement.ToString() : "?";
    await bus.StopAsync();

    // Epoch 1 pays for JIT and (for the service) the first shard reads; compare the steady epochs.
    static double Median(IEnumerable<double> values) { var sorted = values.Order().ToList(); return sorted[sorted.Count / 2]; }
    var bareMedian = Median(bareRates.Skip(1));
    var serviceMedian = Median(serviceRates.Skip(1));
    Console.WriteLine($"""
        | small_cnn 28², batch 128, {trainImages} train images, {(defaults ? $"default threads (chosen: {bareThreads}) and loader workers (2)" : "1 torch thread, 1 loader worker")}, epochs 2–{epochs} (same run), load {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end | img/s |
        |---|---|
        | Bare in-memory training loop (`Trainer.Run` on an IDX subset) | {bareMedian:F0} |
        | Trainer service (shards from Azurite, checkpoints to blob every epoch, telemetry; threads {serviceThreads}) | {serviceMedian:F0} |
        | Ratio service / bare | **{serviceMedian / bareMedian:F2}** (goal ≥ 0.95) |
        per-epoch bare: {string.Join(", ", bareRates.Select(r => r.ToString("F0")))}; service: {string.Join(", ", serviceRates.Select(r => r.ToString("F0")))}
        """);
}
return 0;
