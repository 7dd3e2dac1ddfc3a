using Azure.Storage.Blobs;
using Platform.Contracts;
using Platform.Contracts.ModelPackages;

namespace Platform.Trainer.Storage;

/// <summary>
/// Writes a model package under <c>models/{model}/{runId}/</c>: every file first, the <see cref="ModelPackageIndex"/> last, so a
/// package without its index is incomplete and never served.
/// </summary>
public sealed class ModelPackageWriter(BlobServiceClient blobs)
{
    /// <param name="files">The package's files by their <see cref="ModelPackageLayout"/> names; the index lists exactly these.</param>
    public async Task<Uri> WriteAsync(ModelPackageIndex index, IReadOnlyDictionary<string, BinaryData> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(files);
        if (ModelPackageLayout.ServingFiles.FirstOrDefault(name => !files.ContainsKey(name)) is { } missing)
        {
            throw new ArgumentException($"A model package needs {missing}.", nameof(files));
        }
        if (!index.Files.Order(StringComparer.Ordinal).SequenceEqual(files.Keys.Order(StringComparer.Ordinal)))
        {
            throw new ArgumentException($"The index lists [{string.Join(", ", index.Files)}] but the package holds [{string.Join(", ", files.Keys)}].", nameof(index));
        }
        var container = blobs.GetBlobContainerClient(StorageLayout.ModelsContainer);
        await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        foreach (var (name, content) in files)
        {
            await container.GetBlobClient(StorageLayout.ModelPackageFile(index.ModelName, index.RunId, name)).UploadAsync(content, overwrite: true, cancellationToken);
        }
        var indexBlob = container.GetBlobClient(StorageLayout.ModelPackageFile(index.ModelName, index.RunId, ModelPackageLayout.IndexFile));
        await indexBlob.UploadAsync(BinaryData.FromString(index.ToJson()), overwrite: true, cancellationToken);
        // Not new Uri(container.Uri, prefix): the container URI has no trailing slash, so that would replace the container's name.
        return new Uri($"{container.Uri.AbsoluteUri.TrimEnd('/')}/{StorageLayout.ModelPackagePrefix(index.ModelName, index.RunId)}");
    }

    /// <summary>A package file other than the index, in the index's JSON conventions (camelCase, indented).</summary>
    public static BinaryData JsonFile(object value) => BinaryData.FromObjectAsJson(value, ModelPackageIndex.JsonOptions);
}
