using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Platform.Contracts;
using Platform.Contracts.ModelPackages;
using Platform.Imaging.Formats.Recipes;

namespace Platform.Inference.Serving;

/// <summary>
/// Reads model packages from <c>models/{name}/{runId}/</c>. The blob names come from <see cref="StorageLayout"/> and
/// <see cref="ModelPackageLayout"/>, not from the promotion's URI, whose host may be an address only the trainer can reach.
/// </summary>
public sealed class ModelPackageReader(BlobServiceClient blobs)
{
    public async Task<ModelPackage> ReadAsync(string modelName, Guid runId, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(StorageLayout.ModelsContainer);
        var prefix = StorageLayout.ModelPackagePrefix(modelName, runId);
        var index = await ReadIndexAsync(container, modelName, runId, cancellationToken);
        try
        {
            var model = await DownloadAsync(container, prefix + ModelPackageLayout.ModelFile, cancellationToken);
            var labels = JsonSerializer.Deserialize<string[]>(await DownloadAsync(container, prefix + ModelPackageLayout.LabelsFile, cancellationToken))
                ?? throw new ModelPackageException($"{prefix}{ModelPackageLayout.LabelsFile} is empty.");
            if (!labels.SequenceEqual(index.Labels, StringComparer.Ordinal))
            {
                throw new ModelPackageException($"{prefix}{ModelPackageLayout.LabelsFile} names [{string.Join(", ", labels)}] but the index names [{string.Join(", ", index.Labels)}].");
            }
            var recipe = TransformRecipe.FromJson(System.Text.Encoding.UTF8.GetString(await DownloadAsync(container, prefix + ModelPackageLayout.PreprocessingFile, cancellationToken)));
            if (!recipe.IsDeterministic)
            {
                throw new ModelPackageException($"{prefix}{ModelPackageLayout.PreprocessingFile} has random steps; serving needs the evaluation transform.");
            }
            if (index.Calibration is { Temperature: var temperature } && !(temperature > 0 && double.IsFinite(temperature)))
            {
                throw new ModelPackageException($"{prefix}{ModelPackageLayout.IndexFile} has calibration temperature {temperature}; it must be a positive number.");
            }
            return new ModelPackage(index, model, labels, recipe);
        }
        catch (Exception exception) when (exception is RequestFailedException or JsonException or ArgumentException)
        {
            throw new ModelPackageException($"Model package {StorageLayout.ModelsContainer}/{prefix} cannot be read: {exception.Message}", exception);
        }
    }

    /// <summary>The index is written last: without it the package is still being written (or was never written).</summary>
    private static async Task<ModelPackageIndex> ReadIndexAsync(BlobContainerClient container, string modelName, Guid runId, CancellationToken cancellationToken)
    {
        var name = StorageLayout.ModelPackageFile(modelName, runId, ModelPackageLayout.IndexFile);
        ModelPackageIndex index;
        try
        {
            index = ModelPackageIndex.FromJson((await container.GetBlobClient(name).DownloadContentAsync(cancellationToken)).Value.Content.ToString());
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            throw new ModelPackageException($"Model package {StorageLayout.ModelsContainer}/{StorageLayout.ModelPackagePrefix(modelName, runId)} has no {ModelPackageLayout.IndexFile}: it is missing or incomplete.", exception);
        }
        catch (Exception exception) when (exception is RequestFailedException or JsonException)
        {
            throw new ModelPackageException($"{StorageLayout.ModelsContainer}/{name} is not a model package index: {exception.Message}", exception);
        }
        return index.ProblemFor(modelName, runId) is { } problem
            ? throw new ModelPackageException($"{StorageLayout.ModelsContainer}/{name} cannot be served: {problem}.")
            : index;
    }

    private static async Task<byte[]> DownloadAsync(BlobContainerClient container, string name, CancellationToken cancellationToken) =>
        (await container.GetBlobClient(name).DownloadContentAsync(cancellationToken)).Value.Content.ToArray();
}
