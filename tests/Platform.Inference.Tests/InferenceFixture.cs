using System.Net.Http.Json;
using System.Text.Json;
using Azure.Storage.Blobs;
using MassTransit;
using Microsoft.ML.OnnxRuntime;
using Platform.Contracts;
using Platform.Contracts.ModelPackages;
using Platform.Imaging;
using Platform.Imaging.Shards;
using Platform.Imaging.Transforms;
using Platform.Testing;
using Platform.Imaging.Formats;
using Platform.Imaging.Formats.Data;
using Platform.Imaging.Formats.Recipes;
using Platform.Imaging.Formats.Shards;

namespace Platform.Inference.Tests;

/// <summary>
/// Real Azurite and RabbitMQ; two small CNNs trained on a Fashion-MNIST subset by the real trainer (so the packages come from the
/// project's own exporter); the inference service as a process with version 1 promoted. Each package is also loaded in-process
/// with ONNX Runtime as the reference for the service's answers.
/// </summary>
public sealed class InferenceFixture : IAsyncLifetime
{
    public const string ModelName = "fashion-cnn";
    private const string Dataset = "fashion-subset";
    private const int DatasetVersion = 1;

    private RecordingBus bus = null!;

    public LocalServers Servers { get; private set; } = null!;

    public BlobServiceClient Blobs { get; private set; } = null!;

    public ServiceHost Service { get; private set; } = null!;

    /// <summary>The port of <see cref="Service"/>'s Open Inference Protocol gRPC endpoint (the other instances tests start have none).</summary>
    public int GrpcPort { get; } = FreePort.Next();

    /// <summary>Versions 1 and 2: the two trained packages.</summary>
    public IReadOnlyDictionary<int, ReferenceModel> Versions { get; private set; } = null!;

    /// <summary>Fashion-MNIST test images the models never saw (indices 9000+).</summary>
    public IdxDataset TestImages { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Servers = await LocalServers.StartAsync(blobs: true, messaging: true);
        Blobs = new BlobServiceClient(Servers.BlobConnectionString);
        var folder = RepositoryPaths.FashionMnistFolder;
        TestImages = IdxDataset.Open(
            RepositoryPaths.RequireFile(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"), "run scripts/setup.sh"),
            RepositoryPaths.RequireFile(Path.Combine(folder, "t10k-labels-idx1-ubyte.gz"), "run scripts/setup.sh"),
            IdxDataset.FashionMnistClasses);
        await PublishDatasetAsync();
        bus = await RecordingBus.StartAsync(Servers.MessagingConnectionString!, "inference-tests-events", watch => watch.Record<RunFailed>());

        var runs = new[] { Guid.NewGuid(), Guid.NewGuid() };
        var trainerSettings = new Dictionary<string, string?>(Servers.ServiceEnvironment())
        {
            ["Trainer__LeaseDuration"] = "00:05:00",
            ["Trainer__HeartbeatInterval"] = "00:01:00",
            ["Trainer__ParityImages"] = "16",
        };
        await using (var trainer = await ServiceHost.StartAsync("Platform.Trainer", trainerSettings, TimeSpan.FromMinutes(2)))
        {
            await bus.PublishAsync(new TrainModel(runs[0], "tests", Dataset, DatasetVersion, ModelName, SmallCnnConfig(seed: 7), DateTimeOffset.UtcNow));
            await bus.PublishAsync(new TrainModel(runs[1], "tests", Dataset, DatasetVersion, ModelName, SmallCnnConfig(seed: 11), DateTimeOffset.UtcNow));
            foreach (var run in runs)
            {
                await WaitForPackageAsync(run, TimeSpan.FromMinutes(4), () => trainer.Output);
            }
        }
        var versions = new Dictionary<int, ReferenceModel>();
        for (var i = 0; i < runs.Length; i++)
        {
            versions[i + 1] = await ReferenceModel.LoadAsync(Blobs, ModelName, i + 1, runs[i]);
        }
        Versions = versions;

        Service = await StartServiceAsync(new Dictionary<string, string?> { ["Inference__GrpcPort"] = GrpcPort.ToString() });
        await PromoteAsync(1);
    }

    public Task<ServiceHost> StartServiceAsync(IReadOnlyDictionary<string, string?>? settings = null) =>
        ServiceHost.StartAsync("Platform.Inference", Servers.ServiceEnvironment().Concat(settings ?? new Dictionary<string, string?>()).ToDictionary());

    public ModelPromoted Promotion(int version, string alias = "production") =>
        new(ModelName, version, alias, Versions[version].RunId,
            new Uri(Blobs.GetBlobContainerClient(StorageLayout.ModelsContainer).Uri, StorageLayout.ModelPackagePrefix(ModelName, Versions[version].RunId)).ToString(),
            DateTimeOffset.UtcNow);

    /// <summary>A promotion that splits the alias between versions by weight (percent), optionally mirroring to a shadow version.</summary>
    public ModelPromoted SplitPromotion(string alias, (int Version, int Weight)[] shares, int? shadow = null)
    {
        var primary = shares.OrderByDescending(s => s.Weight).First().Version;
        return Promotion(primary, alias) with
        {
            Split = shares.Length > 1 ? [.. shares.Select(s => new TrafficShare(s.Version, Versions[s.Version].RunId, s.Weight))] : null,
            Shadow = shadow is { } v ? new ShadowVersion(v, Versions[v].RunId) : null,
        };
    }

    /// <summary>Publishes the promotion and waits until the service's /status shows the alias on exactly that route.</summary>
    public async Task ApplyRouteAsync(ModelPromoted promotion, ServiceHost? service = null)
    {
        await bus.PublishAsync(promotion);
        var expected = string.Join(",", promotion.Shares().Select(s => $"{s.Version}:{s.Weight}")) + $"|{promotion.Shadow?.Version}";
        await (service ?? Service).PollAsync("/status", status => status.GetProperty("models").EnumerateArray().Any(model =>
            model.GetProperty("name").GetString() == ModelName
            && model.GetProperty("routes").TryGetProperty(promotion.Alias, out var route)
            && string.Join(",", route.GetProperty("versions").EnumerateArray().Select(v => $"{v.GetProperty("version").GetInt32()}:{v.GetProperty("weight").GetInt32()}"))
               + $"|{(route.GetProperty("shadow").ValueKind == JsonValueKind.Number ? route.GetProperty("shadow").GetInt32() : null)}" == expected), TimeSpan.FromMinutes(1));
    }

    /// <summary>Publishes the promotion and waits until the service reports the alias on that version.</summary>
    public async Task PromoteAsync(int version, ServiceHost? service = null)
    {
        service ??= Service;
        await bus.PublishAsync(Promotion(version));
        await WaitForServingAsync(service, version);
    }

    public static Task WaitForServingAsync(ServiceHost service, int version) =>
        service.PollAsync("/status", status => status.GetProperty("models").EnumerateArray().Any(model =>
            model.GetProperty("name").GetString() == ModelName
            && model.GetProperty("aliases").TryGetProperty("production", out var served) && served.GetInt32() == version), TimeSpan.FromMinutes(1));

    public Task PublishAsync<T>(T message) where T : class => bus.PublishAsync(message);

    /// <summary>The version the production alias serves now.</summary>
    public async Task<int> ServingVersionAsync(ServiceHost? service = null)
    {
        var status = await (service ?? Service).Client.GetFromJsonAsync<JsonElement>("/status");
        return status.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("name").GetString() == ModelName)
            .GetProperty("aliases").GetProperty("production").GetInt32();
    }

    /// <summary>A test image as lossless PNG bytes (gray, exactly the IDX pixels).</summary>
    public byte[] Png(int index) => ImageEncoder.Encode(TestImages.Load(index), ImageFormat.Png);

    private static string SmallCnnConfig(int seed) => $$"""
        {
          "architecture": "small_cnn", "imageSize": 28, "inputChannels": 1, "epochs": 1, "batchSize": 64,
          "lr": 0.003, "optimizer": { "kind": "adamw" }, "augmentation": { "preset": "none" }, "threads": 1, "loaderWorkers": 1, "seed": {{seed}}
        }
        """;

    /// <summary>
    /// Waits for the run's package index (written last), failing at once if the run fails. The package, not ModelTrained, is what
    /// serving needs, and it is there even when the trainer loses its lease while recording the run's end.
    /// </summary>
    private Task WaitForPackageAsync(Guid runId, TimeSpan timeout, Func<string> diagnostics)
    {
        var index = Blobs.GetBlobContainerClient(StorageLayout.ModelsContainer).GetBlobClient(StorageLayout.ModelPackageFile(ModelName, runId, ModelPackageLayout.IndexFile));
        return Eventually.UntilAsync(async () => bus.Messages<RunFailed>().FirstOrDefault(m => m.RunId == runId) is { } failure
                ? throw new InvalidOperationException($"Run {runId} failed: {failure.Reason}: {failure.Detail}")
                : (await index.ExistsAsync()).Value,
            timeout, () => $"no model package for run {runId}.\n{diagnostics()}", TimeSpan.FromMilliseconds(250));
    }

    /// <summary>2,000 training and 500 validation images of Fashion-MNIST's test set (indices 0–2499), as shards and a manifest.</summary>
    private async Task PublishDatasetAsync()
    {
        var container = Blobs.GetBlobContainerClient(StorageLayout.DatasetsContainer);
        await container.CreateIfNotExistsAsync();
        var shards = new List<ManifestShard>();
        var splits = new List<SplitSummary>();
        foreach (var (split, from, count) in new[] { ("train", 0, 2000), ("val", 2000, 500) })
        {
            var perClass = new int[TestImages.Classes.Count];
            var buffers = new Dictionary<string, MemoryStream>();
            using (var writer = new ShardWriter(name => buffers[name] = new MemoryStream(), split))
            {
                for (var i = from; i < from + count; i++)
                {
                    var label = TestImages.GetLabel(i);
                    writer.Append(TestImages.Load(i), label, ShardImageEncoding.RawPixels, $"images[{i}]");
                    perClass[label]++;
                }
                foreach (var shard in writer.Complete())
                {
                    await container.GetBlobClient(StorageLayout.DatasetShard(Dataset, DatasetVersion, shard.Name)).UploadAsync(new BinaryData(buffers[shard.Name].ToArray()), overwrite: true);
                    shards.Add(new ManifestShard(split, shard.Name, shard.Samples, shard.Bytes, shard.Sha256));
                }
            }
            splits.Add(new SplitSummary(split, count, perClass));
        }
        var manifest = new DatasetManifest(Dataset, $"v{DatasetVersion}", TestImages.Classes, 1, new ImageSize(28, 28), [0.286f], [0.353f],
            splits, shards, [], DateTimeOffset.UtcNow);
        await container.GetBlobClient(StorageLayout.DatasetManifest(Dataset, DatasetVersion)).UploadAsync(BinaryData.FromString(manifest.ToJson()), overwrite: true);
    }

    public async Task DisposeAsync()
    {
        if (Service is not null)
        {
            await Service.DisposeAsync();
        }
        foreach (var version in Versions?.Values ?? [])
        {
            version.Dispose();
        }
        if (bus is not null)
        {
            await bus.DisposeAsync();
        }
        if (Servers is not null)
        {
            await Servers.DisposeAsync();
        }
    }
}

/// <summary>A model package run in-process: its model.onnx in ONNX Runtime on the CPU, fed by its preprocessing.json.</summary>
public sealed class ReferenceModel : IDisposable
{
    private readonly InferenceSession session;

    private ReferenceModel(int version, Guid runId, InferenceSession session, TransformPipeline preprocessing, IReadOnlyList<string> labels, ModelPackageIndex index)
    {
        Index = index;
        Version = version;
        RunId = runId;
        this.session = session;
        Preprocessing = preprocessing;
        Labels = labels;
    }

    public int Version { get; }

    public Guid RunId { get; }

    public TransformPipeline Preprocessing { get; }

    public IReadOnlyList<string> Labels { get; }

    /// <summary>The package's index, with the calibration temperature the trainer fitted.</summary>
    public ModelPackageIndex Index { get; }

    public double Temperature => Index.Calibration?.Temperature ?? 1;

    public static async Task<ReferenceModel> LoadAsync(BlobServiceClient blobs, string modelName, int version, Guid runId)
    {
        var container = blobs.GetBlobContainerClient(StorageLayout.ModelsContainer);
        async Task<BinaryData> Read(string file) => (await container.GetBlobClient(StorageLayout.ModelPackageFile(modelName, runId, file)).DownloadContentAsync()).Value.Content;
        var recipe = TransformRecipe.FromJson((await Read(ModelPackageLayout.PreprocessingFile)).ToString());
        var labels = (await Read(ModelPackageLayout.LabelsFile)).ToObjectFromJson<string[]>()!;
        var index = ModelPackageIndex.FromJson((await Read(ModelPackageLayout.IndexFile)).ToString());
        return new ReferenceModel(version, runId, new InferenceSession((await Read(ModelPackageLayout.ModelFile)).ToArray()), new TransformPipeline(recipe), labels, index);
    }

    /// <summary>Logits for an image given as decoded pixels, preprocessed exactly as the package says.</summary>
    public float[] Logits(ImageBuffer image)
    {
        var input = new float[Preprocessing.OutputLength];
        Preprocessing.Apply(image, input);
        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, Preprocessing.OutputChannels, Preprocessing.OutputHeight, Preprocessing.OutputWidth]);
        using var outputs = session.Run(new RunOptions(), [session.InputMetadata.Keys.Single()], [value], [session.OutputMetadata.Keys.First()]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    /// <summary>softmax(<see cref="Logits"/> / T) with the package's temperature, or the raw softmax: what the service answers.</summary>
    public double[] Probabilities(ImageBuffer image, bool calibrated = true) => Softmax(Logits(image), calibrated ? Temperature : 1);

    public static double[] Softmax(float[] logits, double temperature)
    {
        var max = logits.Max();
        var exponentials = logits.Select(l => Math.Exp((l - max) / temperature)).ToArray();
        return [.. exponentials.Select(e => e / exponentials.Sum())];
    }

    public void Dispose() => session.Dispose();
}

[CollectionDefinition(Name)]
public sealed class InferenceCollection : ICollectionFixture<InferenceFixture>
{
    public const string Name = "inference service";
}
