using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Platform.Contracts;
using Platform.Contracts.ModelPackages;
using Platform.Imaging.Formats.Recipes;
using Platform.Inference.Serving;
using Platform.OnnxRuntime;
using Platform.Trainer.Storage;

namespace Platform.Trainer.Tests;

/// <summary>
/// What the trainer writes, inference reads: a package from the trainer's <see cref="ModelPackageWriter"/> through inference's
/// <see cref="ModelPackageReader"/> on a real Azurite, and the parity gate's sessions against serving's settings.
/// </summary>
public sealed class ModelPackageContractTests(BlobStorageFixture storage) : IClassFixture<BlobStorageFixture>
{
    private const string ModelName = "contract-cnn";
    private static readonly string[] Labels = ["cat", "dog", "bird"];
    private static readonly TransformRecipe Evaluation = new(28, 1, [0.5f], [0.25f]);

    private readonly BlobServiceClient blobs = storage.Blobs;

    [Fact]
    public async Task The_index_the_writer_produces_is_what_the_reader_reads_and_the_files_it_names_are_served()
    {
        var runId = Guid.NewGuid();
        var files = Files();
        var written = Index(runId, files);

        var uri = await new ModelPackageWriter(blobs).WriteAsync(written, files, CancellationToken.None);
        var package = await new ModelPackageReader(blobs).ReadAsync(ModelName, runId, CancellationToken.None);

        Assert.EndsWith("/" + StorageLayout.ModelsContainer + "/" + StorageLayout.ModelPackagePrefix(ModelName, runId), uri.ToString());
        var read = package.Index;
        Assert.Equal((written.RunId, written.ModelName, written.Architecture, written.Dataset, written.Accuracy, written.Parity, written.CreatedAt),
            (read.RunId, read.ModelName, read.Architecture, read.Dataset, read.Accuracy, read.Parity, read.CreatedAt));
        Assert.Equal(written.Labels, read.Labels);
        Assert.Equal(written.Files, read.Files);
        Assert.Equal(files[ModelPackageLayout.ModelFile].ToArray(), package.Model);
        Assert.Equal(Labels, package.Labels);
        Assert.Equal(Evaluation.ToJson(), package.Preprocessing.ToJson());
    }

    [Fact]
    public async Task The_index_is_camel_case_json_and_names_every_file_of_the_package()
    {
        var runId = Guid.NewGuid();
        var files = Files();

        await new ModelPackageWriter(blobs).WriteAsync(Index(runId, files), files, CancellationToken.None);

        var container = blobs.GetBlobContainerClient(StorageLayout.ModelsContainer);
        var json = (await container.GetBlobClient(StorageLayout.ModelPackageFile(ModelName, runId, ModelPackageLayout.IndexFile)).DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("\"maxAbsLogitDifference\"", json);
        Assert.Contains("\"runId\"", json);
        var prefix = StorageLayout.ModelPackagePrefix(ModelName, runId);
        var blobNames = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, CancellationToken.None))
        {
            blobNames.Add(blob.Name[prefix.Length..]);
        }
        Assert.Equal(ModelPackageIndex.FromJson(json).Files.Append(ModelPackageLayout.IndexFile).Order(), blobNames.Order());
    }

    [Fact]
    public async Task A_package_missing_a_file_serving_needs_is_refused_before_anything_is_written()
    {
        var runId = Guid.NewGuid();
        var files = Files();
        files.Remove(ModelPackageLayout.PreprocessingFile);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => new ModelPackageWriter(blobs).WriteAsync(Index(runId, files), files, CancellationToken.None));

        Assert.Contains(ModelPackageLayout.PreprocessingFile, refused.Message);
        var unserved = await Assert.ThrowsAsync<ModelPackageException>(() => new ModelPackageReader(blobs).ReadAsync(ModelName, runId, CancellationToken.None));
        Assert.Contains($"has no {ModelPackageLayout.IndexFile}", unserved.Message);
    }

    [Fact]
    public async Task An_index_that_names_another_run_is_not_served()
    {
        var runId = Guid.NewGuid();
        var files = Files();
        await new ModelPackageWriter(blobs).WriteAsync(Index(runId, files), files, CancellationToken.None);
        var container = blobs.GetBlobContainerClient(StorageLayout.ModelsContainer);
        var other = Guid.NewGuid();
        await container.GetBlobClient(StorageLayout.ModelPackageFile(ModelName, runId, ModelPackageLayout.IndexFile))
            .UploadAsync(BinaryData.FromString(Index(other, files).ToJson()), overwrite: true);

        var refused = await Assert.ThrowsAsync<ModelPackageException>(() => new ModelPackageReader(blobs).ReadAsync(ModelName, runId, CancellationToken.None));

        Assert.Contains($"run {other:N}", refused.Message);
    }

    [Fact]
    public void The_parity_gate_runs_exports_on_sessions_made_with_the_settings_serving_starts_with()
    {
        // TrainingJob's gate (VerifiedExport without session options) and an inference service without Inference settings:
        // the same sessions but for where their threads come from (the service shares one pool, which changes no result).
        var serving = new InferenceOptions().SessionOptions();
        Assert.Equal(OnnxThreadPool.Shared, serving.ThreadPool);
        Assert.Equal(OnnxSessionOptions.Default, serving with { ThreadPool = OnnxSessionOptions.Default.ThreadPool });
    }

    private static Dictionary<string, BinaryData> Files() => new()
    {
        [ModelPackageLayout.ModelFile] = BinaryData.FromBytes([8, 1, 18, 4]),
        [ModelPackageLayout.LabelsFile] = ModelPackageWriter.JsonFile(Labels),
        [ModelPackageLayout.PreprocessingFile] = BinaryData.FromString(Evaluation.ToJson()),
        [ModelPackageLayout.MetricsFile] = ModelPackageWriter.JsonFile(new { accuracy = 0.9 }),
    };

    private static ModelPackageIndex Index(Guid runId, IReadOnlyDictionary<string, BinaryData> files) =>
        new(runId, ModelName, "small_cnn", Labels, [.. files.Keys], new ModelPackageDataset("fashion-subset", 3), 0.9,
            new ModelPackageParity(2.5e-6, 1.0, 16, nameof(ExecutionProvider.Cpu)), new DateTimeOffset(2026, 12, 1, 23, 0, 0, TimeSpan.Zero));
}
