using System.Text.Json;
using Azure.Storage.Blobs;
using Platform.Contracts;

namespace Platform.Trainer.Storage;

/// <summary>
/// Writes a model package under <c>models/{model}/{runId}/</c>: every file first, <c>package.json</c> (the index)
/// last, so a package without its index is incomplete and never served.
/// </summary>
public sealed class ModelPackageWriter(BlobServiceClient blobs)
{
    public const string IndexFile = "package.json";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public async Task<Uri> WriteAsync(string modelName, Guid runId, IReadOnlyDictionary<string, BinaryData> files, object index, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(StorageLayout.ModelsContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var prefix = StorageLayout.ModelPackagePrefix(modelName, runId);
        foreach (var (name, content) in files)
        {
            await container.GetBlobClient(prefix + name).UploadAsync(content, overwrite: true, cancellationToken);
        }
        var indexBlob = container.GetBlobClient(prefix + IndexFile);
        await indexBlob.UploadAsync(BinaryData.FromObjectAsJson(index, Json), overwrite: true, cancellationToken);
        return new Uri(container.Uri, prefix);
    }

    public static BinaryData JsonFile(object value) => BinaryData.FromObjectAsJson(value, Json);
}
