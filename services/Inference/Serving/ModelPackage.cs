using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Platform.Contracts;
using Platform.Imaging.Transforms;
using Platform.Imaging.Formats.Recipes;

namespace Platform.Inference.Serving;

/// <summary>The parts of a model package that serving needs: the ONNX graph, the labels, and the training evaluation transform.</summary>
public sealed record ModelPackage(byte[] Model, IReadOnlyList<string> Labels, TransformRecipe Preprocessing)
{
    public const string IndexFile = "package.json";
    public const string ModelFile = "model.onnx";
    public const string LabelsFile = "labels.json";
    public const string PreprocessingFile = "preprocessing.json";
}

/// <summary>A package that cannot be served: missing, incomplete (no index yet) or inconsistent.</summary>
public sealed class ModelPackageException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads model packages from <c>models/{name}/{runId}/</c>. The blob names come from <see cref="StorageLayout"/>, not from the
/// promotion's URI, whose host may be an address only the trainer can reach.
/// </summary>
public sealed class ModelPackageReader(BlobServiceClient blobs)
{
    public async Task<ModelPackage> ReadAsync(string modelName, Guid runId, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(StorageLayout.ModelsContainer);
        var prefix = StorageLayout.ModelPackagePrefix(modelName, runId);
        // The index is written last: without it the package is still being written.
        if (!(await container.GetBlobClient(prefix + ModelPackage.IndexFile).ExistsAsync(cancellationToken)).Value)
        {
            throw new ModelPackageException($"Model package {StorageLayout.ModelsContainer}/{prefix} has no {ModelPackage.IndexFile}: it is missing or incomplete.");
        }
        try
        {
            var model = await DownloadAsync(container, prefix + ModelPackage.ModelFile, cancellationToken);
            var labels = JsonSerializer.Deserialize<string[]>(await DownloadAsync(container, prefix + ModelPackage.LabelsFile, cancellationToken))
                ?? throw new ModelPackageException($"{prefix}{ModelPackage.LabelsFile} is empty.");
            var recipe = TransformRecipe.FromJson(System.Text.Encoding.UTF8.GetString(await DownloadAsync(container, prefix + ModelPackage.PreprocessingFile, cancellationToken)));
            if (!recipe.IsDeterministic)
            {
                throw new ModelPackageException($"{prefix}{ModelPackage.PreprocessingFile} has random steps; serving needs the evaluation transform.");
            }
            return new ModelPackage(model, labels, recipe);
        }
        catch (Exception exception) when (exception is RequestFailedException or JsonException or ArgumentException)
        {
            throw new ModelPackageException($"Model package {StorageLayout.ModelsContainer}/{prefix} cannot be read: {exception.Message}", exception);
        }
    }

    private static async Task<byte[]> DownloadAsync(BlobContainerClient container, string name, CancellationToken cancellationToken) =>
        (await container.GetBlobClient(name).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
}
