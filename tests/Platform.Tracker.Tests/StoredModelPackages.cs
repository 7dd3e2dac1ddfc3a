using Azure.Storage.Blobs;
using Platform.Contracts;
using Platform.Contracts.ModelPackages;

namespace Platform.Tracker.Tests;

/// <summary>
/// Model packages in the fixture's blob storage, laid out as the trainer's writer lays them out (every file, the index last), for the
/// registry tests: the tracker routes an alias only to a version whose package is complete. The tracker reads the index and checks the
/// serving files are there; it never loads the graph, so <c>model.onnx</c> here is a placeholder that only inference would refuse.
/// </summary>
public static class StoredModelPackages
{
    public static readonly string[] Labels = ["T-shirt/top", "Trouser"];

    public static async Task WriteAsync(string blobConnectionString, string model, Guid run)
    {
        var container = new BlobServiceClient(blobConnectionString).GetBlobContainerClient(StorageLayout.ModelsContainer);
        await container.CreateIfNotExistsAsync();
        var files = new Dictionary<string, BinaryData>
        {
            [ModelPackageLayout.ModelFile] = BinaryData.FromBytes([0x08, 0x07]),
            [ModelPackageLayout.LabelsFile] = BinaryData.FromObjectAsJson(Labels),
            [ModelPackageLayout.PreprocessingFile] = BinaryData.FromString("""{"steps": []}"""),
        };
        foreach (var (name, content) in files)
        {
            await container.GetBlobClient(StorageLayout.ModelPackageFile(model, run, name)).UploadAsync(content, overwrite: true);
        }
        var index = new ModelPackageIndex(run, model, "small_cnn", Labels, [.. files.Keys], new ModelPackageDataset("fashion-mnist", 1), 0.9,
            new ModelPackageParity(1e-6, 1, 16, "Cpu"), DateTimeOffset.UtcNow);
        await container.GetBlobClient(StorageLayout.ModelPackageFile(model, run, ModelPackageLayout.IndexFile))
            .UploadAsync(BinaryData.FromString(index.ToJson()), overwrite: true);
    }

    public static BlobClient File(string blobConnectionString, string model, Guid run, string file) =>
        new BlobServiceClient(blobConnectionString).GetBlobContainerClient(StorageLayout.ModelsContainer)
            .GetBlobClient(StorageLayout.ModelPackageFile(model, run, file));
}
